import { describe, expect, it } from "vitest";
import { missingNodeFlags } from "./node-flags.ts";

const WANTED = ["--max-old-space-size=192", "--max-semi-space-size=16"];

describe("missingNodeFlags", () => {
  it("finds the flags on the command line or in NODE_OPTIONS, whatever their values", () => {
    expect(missingNodeFlags(WANTED, [], "")).toEqual(WANTED);
    expect(missingNodeFlags(WANTED, ["--max-old-space-size=300"], "--enable-source-maps --max-semi-space-size=4")).toEqual([]);
  });

  it("names only the absent ones", () => {
    expect(missingNodeFlags(WANTED, ["--max-semi-space-size=4", "--enable-source-maps"], "")).toEqual(["--max-old-space-size=192"]);
  });
});
