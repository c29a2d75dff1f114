import { describe, expect, it } from "vitest";
import { decideClaim } from "./claim.ts";
import type { StoredRun } from "./run-record.ts";

const NOW = Date.parse("2025-06-18T12:00:00Z");
const STALE_AFTER = 30_000;

function run(overrides: Partial<StoredRun>): StoredRun {
  return {
    kind: "run",
    command_id: "c1",
    type: "refresh-cache",
    args: {},
    status: "running",
    requested_at: "2025-06-18T11:59:00Z",
    attempt: 1,
    ...overrides,
  };
}

describe("decideClaim", () => {
  it("creates the record for a command seen for the first time", () => {
    expect(decideClaim(null, NOW, STALE_AFTER)).toEqual({ action: "create" });
  });

  it("runs nothing again for a command that already succeeded, failed or joined another run", () => {
    expect(decideClaim(run({ status: "succeeded" }), NOW, STALE_AFTER)).toEqual({ action: "done", status: "succeeded" });
    expect(decideClaim(run({ status: "failed" }), NOW, STALE_AFTER)).toEqual({ action: "done", status: "failed" });
    expect(decideClaim(run({ status: "joined", joined_command_id: "c0" }), NOW, STALE_AFTER)).toEqual({ action: "done", status: "joined" });
  });

  it("takes over a run a stopping worker released", () => {
    expect(decideClaim(run({ status: "accepted" }), NOW, STALE_AFTER)).toEqual({ action: "take-over", reason: "released" });
  });

  it("takes over a running run whose heartbeat is older than the stale limit", () => {
    const stale = run({ worker_id: "w1", heartbeat_at: new Date(NOW - STALE_AFTER - 1).toISOString() });
    expect(decideClaim(stale, NOW, STALE_AFTER)).toEqual({ action: "take-over", reason: "stale" });
  });

  it("watches a run whose worker is alive instead of running it twice", () => {
    const alive = run({ worker_id: "w1", heartbeat_at: new Date(NOW - 1_000).toISOString() });
    expect(decideClaim(alive, NOW, STALE_AFTER)).toEqual({ action: "watch", holder: "w1" });
  });

  it("treats a running record without any time as stale rather than blocking forever", () => {
    expect(decideClaim(run({ worker_id: "w1" }), NOW, STALE_AFTER)).toEqual({ action: "take-over", reason: "stale" });
  });
});
