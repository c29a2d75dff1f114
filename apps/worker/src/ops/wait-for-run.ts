/**
 * `--wait`: polls the run record until the run ends, reporting each change, bounded by a timeout.
 * A command nobody picked up yet has no record; after a while the CLI says so (is a worker
 * running?) and keeps waiting until the timeout.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { TERMINAL_STATUSES } from "../commands/run-record.ts";
import type { StoredRun } from "../commands/index.ts";
import type { RunReader } from "./run-reader.ts";

export interface WaitOptions {
  timeoutMs: number;
  pollMs?: number;
  /** After this long without a record, `onUnclaimed` is called once. */
  unclaimedAfterMs?: number;
  signal?: AbortSignal;
  onUpdate(run: StoredRun): void;
  onUnclaimed?(): void;
}

export type WaitResult = { ended: true; run: StoredRun } | { ended: false; run: StoredRun | undefined; reason: "timeout" | "interrupted" };

export async function waitForRun(reader: RunReader, commandId: string, options: WaitOptions): Promise<WaitResult> {
  const started = Date.now();
  const pollMs = options.pollMs ?? 500;
  let warned = false;
  let last: StoredRun | undefined;
  while (Date.now() - started < options.timeoutMs) {
    if (options.signal?.aborted) return { ended: false, run: last, reason: "interrupted" };
    const run = await reader.get(commandId);
    if (run) {
      last = run;
      options.onUpdate(run);
      if (TERMINAL_STATUSES.has(run.status)) return { ended: true, run };
    } else if (!warned && Date.now() - started > (options.unclaimedAfterMs ?? 30_000)) {
      warned = true;
      options.onUnclaimed?.();
    }
    await sleep(pollMs, undefined, { signal: options.signal }).catch(() => {});
  }
  return { ended: false, run: last, reason: "timeout" };
}
