import { describe, expect, it } from "vitest";
import { missingNodeFlags, WORKER_NODE_FLAGS } from "./node-flags.ts";

describe("missingNodeFlags", () => {
  it("finds the flags on the command line or in NODE_OPTIONS, whatever their values", () => {
    expect(missingNodeFlags([], "")).toEqual([...WORKER_NODE_FLAGS]);
    expect(missingNodeFlags(["--max-old-space-size=300"], "--max-semi-space-size=4")).toEqual([]);
    expect(missingNodeFlags(["--max-semi-space-size=4"], "")).toEqual(["--max-old-space-size=192"]);
  });
});
