import { createLogger } from "@periskope-pipeline/observability";
import { describe, expect, it } from "vitest";
import { HeldLease, LeaseLostError, type LeaseDoc } from "./lease.ts";
import type { CommandsIndex } from "./run-store.ts";

const logger = createLogger({ service: "test", level: "silent" });

function held(ttlMs: number): { lease: LeaseDoc; version: { seqNo: number; primaryTerm: number } } {
  const now = Date.now();
  return {
    lease: { kind: "lease", name: "refresh-cache", holder: "c1/a", command_id: "c1", acquired_at: new Date(now).toISOString(), expires_at: new Date(now + ttlMs).toISOString() },
    version: { seqNo: 1, primaryTerm: 1 },
  };
}

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}

describe("HeldLease", () => {
  it("aborts before the lease expires when it cannot be renewed", async () => {
    const unreachable = { replace: () => Promise.reject(new Error("connect ECONNREFUSED")) } as unknown as CommandsIndex;
    const acquired = held(600);
    const lease = new HeldLease(unreachable, "refresh-cache", acquired, { ttlMs: 600, renewMs: 100, logger });
    await until(() => lease.signal.aborted);
    const abortedAt = Date.now();
    await lease.release();
    expect(lease.signal.reason).toBeInstanceOf(LeaseLostError);
    expect(lease.signal.reason).toMatchObject({ code: "lease_lost" });
    // Not long after expiry even on a loaded machine (the check runs every renewal).
    expect(abortedAt).toBeLessThan(Date.parse(acquired.lease.expires_at) + 2_000);
  });

  it("aborts when another run took the lease over, and does not delete the new holder's lease", async () => {
    let removed = false;
    const takenOver = {
      replace: async () => ({ ok: false, conflict: true }),
      get: async () => ({ doc: { ...held(600).lease, holder: "c2/b", command_id: "c2" }, version: { seqNo: 5, primaryTerm: 1 } }),
      remove: async () => ((removed = true), true),
    } as unknown as CommandsIndex;
    const lease = new HeldLease(takenOver, "refresh-cache", held(10_000), { ttlMs: 10_000, renewMs: 50, logger });
    await until(() => lease.signal.aborted);
    await lease.release();
    expect(String((lease.signal.reason as Error).message)).toContain("c2");
    expect(removed).toBe(false);
  });

  it("renews a lease it holds, moving its expiry forward", async () => {
    const writes: LeaseDoc[] = [];
    const store = { replace: async (_id: string, doc: LeaseDoc) => (writes.push(doc), { ok: true, version: { seqNo: writes.length + 1, primaryTerm: 1 } }), remove: async () => true } as unknown as CommandsIndex;
    const acquired = held(300);
    const lease = new HeldLease(store, "refresh-cache", acquired, { ttlMs: 300, renewMs: 50, logger });
    await until(() => writes.length >= 3);
    await lease.release();
    expect(lease.signal.aborted).toBe(false);
    expect(Date.parse(writes.at(-1)?.expires_at ?? "")).toBeGreaterThan(Date.parse(acquired.lease.expires_at));
  });
});
