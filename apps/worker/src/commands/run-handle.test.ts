import { createLogger } from "@periskope-pipeline/observability";
import { describe, expect, it } from "vitest";
import { LostOwnershipError } from "./command-error.ts";
import { RunHandle } from "./run-handle.ts";
import type { StoredRun } from "./run-record.ts";
import type { CommandsIndex } from "./run-store.ts";

const logger = createLogger({ service: "test", level: "silent" });
const run: StoredRun = { kind: "run", command_id: "c1", type: "refresh-cache", args: {}, status: "running", requested_at: new Date().toISOString(), worker_id: "w1", attempt: 1 };

/** The commands index as seen from a worker cut off from Elasticsearch: every write fails. */
const unreachable = {
  replace: () => Promise.reject(new Error("connect ECONNREFUSED")),
  get: () => Promise.reject(new Error("connect ECONNREFUSED")),
} as unknown as CommandsIndex;

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}

describe("RunHandle", () => {
  it("stops a run whose heartbeats keep failing before another worker may take it over", async () => {
    const handle = new RunHandle(unreachable, run, { seqNo: 1, primaryTerm: 1 }, { heartbeatMs: 50, staleAfterMs: 400, logger });
    const started = Date.now();
    handle.start();
    await until(() => handle.signal.aborted);
    handle.stopHeartbeat();
    expect(handle.signal.reason).toBeInstanceOf(LostOwnershipError);
    // Stopped before the record went stale (400 ms after the last write) plus a timer tick or two.
    expect(Date.now() - started).toBeLessThan(400 + 2_000);
  });

  it("keeps a run whose heartbeats are written", async () => {
    let seqNo = 1;
    const healthy = { replace: async () => ({ ok: true, version: { seqNo: ++seqNo, primaryTerm: 1 } }) } as unknown as CommandsIndex;
    const handle = new RunHandle(healthy, run, { seqNo: 1, primaryTerm: 1 }, { heartbeatMs: 50, staleAfterMs: 400, logger });
    handle.start();
    await until(() => seqNo >= 15);
    handle.stopHeartbeat();
    expect(handle.signal.aborted).toBe(false);
  });
});
