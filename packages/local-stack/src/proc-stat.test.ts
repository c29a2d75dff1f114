import { describe, expect, it } from "vitest";
import { livingGroupMembers, parseProcStat, readProcStat } from "./proc-stat.ts";

describe("parseProcStat", () => {
  it("counts fields from the last parenthesis, whatever the command name holds", () => {
    const fields = ["S", "1", "4242", "4242", "0", "-1", "0", "0", "0", "0", "0", "0", "0", "0", "0", "20", "0", "1", "0", "987654"];
    const stat = parseProcStat(`4243 (we ird) (name) ${fields.join(" ")} 0 0`);
    expect(stat).toEqual({ pid: 4243, state: "S", pgrp: 4242, startTime: "987654" });
  });

  it("rejects a truncated line", () => {
    expect(parseProcStat("12 (x) S 1")).toBeUndefined();
  });
});

describe("readProcStat", () => {
  it("reads this very process", () => {
    const stat = readProcStat(process.pid);
    expect(stat?.pid).toBe(process.pid);
    expect(livingGroupMembers(stat?.pgrp ?? -1)).toContain(process.pid);
  });
});
