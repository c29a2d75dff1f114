import { describe, expect, it } from "vitest";
import { missingNodeFlags } from "./node-flags.ts";

describe("missingNodeFlags", () => {
  it("finds the young-generation cap on the command line or in NODE_OPTIONS, with any value", () => {
    expect(missingNodeFlags(["--max-semi-space-size=8"], "")).toEqual([]);
    expect(missingNodeFlags([], "--enable-source-maps --max-semi-space-size=16")).toEqual([]);
  });

  it("names it when absent", () => {
    expect(missingNodeFlags(["--enable-source-maps"], "")).toEqual(["--max-semi-space-size=16"]);
  });
});
