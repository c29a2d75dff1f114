import { describe, expect, it } from "vitest";
import type { CommandRun } from "./run-record.ts";
import { MemoryRunReader, type RunReader } from "./run-reader.ts";
import { waitForRun } from "./wait-for-run.ts";

const run = (command_id: string, status: CommandRun["status"], extra: Partial<CommandRun> = {}): CommandRun => ({
  command_id,
  type: "refresh-cache",
  args: {},
  status,
  requested_at: "2026-12-01T10:00:00.000Z",
  ...extra,
});

/** Calls `step` before each read, so a test plays the worker's writes between polls. */
function scripted(runs: MemoryRunReader, step: (reads: number) => void): RunReader {
  let reads = 0;
  return { get: (id) => (step(++reads), runs.get(id)) };
}

describe("waitForRun", () => {
  it("answers the run once it succeeded, reporting each record read", async () => {
    const runs = new MemoryRunReader();
    const seen: string[] = [];
    const reader = scripted(runs, (reads) => {
      if (reads === 2) runs.put(run("a", "running"));
      if (reads === 3) runs.put(run("a", "succeeded", { stats: { total_chats: 3 } }));
    });
    const result = await waitForRun(reader, "a", { timeoutMs: 10_000, pollMs: 1, onUpdate: (r) => seen.push(r.status) });
    expect(result).toEqual({ ended: true, run: run("a", "succeeded", { stats: { total_chats: 3 } }) });
    expect(seen).toEqual(["running", "succeeded"]);
  });

  it("follows a joined run and answers the run it joined", async () => {
    const runs = new MemoryRunReader();
    runs.put(run("second", "joined", { joined_command_id: "first" }));
    runs.put(run("first", "running"));
    const reader = scripted(runs, (reads) => {
      if (reads === 4) runs.put(run("first", "succeeded", { stats: { total_chats: 7 } }));
    });
    const result = await waitForRun(reader, "second", { timeoutMs: 10_000, pollMs: 1 });
    expect(result.ended && result.run).toMatchObject({ command_id: "first", status: "succeeded", stats: { total_chats: 7 } });
  });

  it("answers a failed run as ended", async () => {
    const runs = new MemoryRunReader();
    runs.put(run("a", "failed", { error: { code: "x", message: "y" } }));
    expect(await waitForRun(runs, "a", { timeoutMs: 1_000, pollMs: 1 })).toMatchObject({ ended: true, run: { status: "failed" } });
  });

  it("times out with the last record, tolerating store errors", async () => {
    const runs = new MemoryRunReader();
    runs.put(run("a", "running"));
    let reads = 0;
    const errors: unknown[] = [];
    const flaky: RunReader = { get: (id) => (++reads % 2 === 0 ? Promise.reject(new Error("store down")) : runs.get(id)) };
    const result = await waitForRun(flaky, "a", { timeoutMs: 100, pollMs: 10, onReadError: (e) => errors.push(e) });
    expect(result).toEqual({ ended: false, run: run("a", "running"), reason: "timeout" });
    expect(errors.length).toBeGreaterThan(0);
  });

  it("stops when its signal aborts", async () => {
    const controller = new AbortController();
    const pending = waitForRun(new MemoryRunReader(), "a", { timeoutMs: 60_000, pollMs: 20, signal: controller.signal });
    controller.abort();
    expect(await pending).toEqual({ ended: false, run: undefined, reason: "interrupted" });
  });

  it("says once when nothing picked the command up", async () => {
    let unclaimed = 0;
    await waitForRun(new MemoryRunReader(), "a", { timeoutMs: 80, pollMs: 5, unclaimedAfterMs: 10, onUnclaimed: () => unclaimed++ });
    expect(unclaimed).toBe(1);
  });
});
