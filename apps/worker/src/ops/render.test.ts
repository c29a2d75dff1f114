import { describe, expect, it } from "vitest";
import type { CommandRun } from "@periskope-pipeline/commands";
import { formatDuration, runList, runSummary, statsTable } from "./render.ts";

const run: CommandRun = {
  kind: "run",
  command_id: "c-1",
  type: "refresh-cache",
  args: {},
  status: "succeeded",
  requested_at: "2025-06-18T14:00:00.000Z",
  requested_by: "ops-cli",
  started_at: "2025-06-18T14:00:01.000Z",
  finished_at: "2025-06-18T14:00:05.500Z",
  worker_id: "w-1",
  attempt: 1,
  stats: { total_chats: 5000, newly_cached: 3800, already_cached: 1200, renamed: 200, dry_run: false },
};

describe("statsTable", () => {
  it("aligns keys and right-aligns numbers with separators", () => {
    expect(statsTable({ total_chats: 5000, renamed: 200, dry_run: false })).toBe(["  total_chats  5,000", "  renamed        200", "  dry_run      false"].join("\n"));
  });

  it("says so when there is nothing", () => {
    expect(statsTable(undefined)).toBe("(no stats)");
  });
});

describe("runSummary", () => {
  it("shows status, times, worker and stats", () => {
    const text = runSummary(run);
    expect(text).toContain("c-1  refresh-cache  succeeded");
    expect(text).toContain("on w-1");
    expect(text).toContain("newly_cached    3,800");
  });

  it("shows the error of a failed run", () => {
    expect(runSummary({ ...run, status: "failed", error: { code: "periskope_unauthorized", message: "HTTP 401" } })).toContain("error     periskope_unauthorized: HTTP 401");
  });
});

describe("runList", () => {
  it("tabulates recent runs with a per-type headline", () => {
    const lines = runList([run, { ...run, command_id: "c-2", type: "replay-dead-letters", stats: { moved: 12 } }]).split("\n");
    expect(lines[0]).toMatch(/^COMMAND_ID\s+TYPE\s+STATUS\s+REQUESTED_AT\s+DURATION\s+SUMMARY$/);
    expect(lines[1]).toContain("total_chats=5,000 newly_cached=3,800 renamed=200");
    expect(lines[1]).toContain("5s");
    expect(lines[2]).toContain("moved=12");
  });
});

describe("formatDuration", () => {
  it("picks a readable unit", () => {
    expect(formatDuration(450)).toBe("450ms");
    expect(formatDuration(4_500)).toBe("5s");
    expect(formatDuration(125_000)).toBe("2m05s");
    expect(formatDuration(3_726_000)).toBe("1h02m");
  });
});
