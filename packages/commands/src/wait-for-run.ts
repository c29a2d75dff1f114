/**
 * Polls a command's run record until the run ends or the wait does, for `GET /refresh-cache` and
 * the ops CLI's `--wait`.
 *
 * A `joined` record (a `refresh-cache` that arrived while another ran) is followed: the wait goes on
 * with the run it names and answers that run, since that is the pass that does the work.
 * Store errors while polling are not fatal: the command is queued either way, so they only mean
 * "status unknown" at the end; `onReadError` hears about them.
 *
 * @example
 * const result = await waitForRun(runs, command.command_id, { timeoutMs: 25_000, pollMs: 500 });
 * if (result.ended && result.run.status === "succeeded") console.log(result.run.stats);
 */
import { setTimeout as sleep } from "node:timers/promises";
import { TERMINAL_STATUSES, type CommandRun } from "./run-record.ts";
import type { RunReader } from "./run-reader.ts";

export interface WaitOptions {
  readonly timeoutMs: number;
  readonly pollMs?: number;
  /** Ends the wait early (client gone, instance draining, Ctrl-C). */
  readonly signal?: AbortSignal;
  /** Every record read, the joined one and the one it names included. */
  onUpdate?(run: CommandRun): void;
  /** After `unclaimedAfterMs` without any record, once (is a worker running?). */
  onUnclaimed?(): void;
  readonly unclaimedAfterMs?: number;
  onReadError?(error: unknown): void;
}

export type WaitResult =
  | { readonly ended: true; readonly run: CommandRun }
  /** `run`: the last record read, undefined when none was (not picked up yet, or the store unreachable). */
  | { readonly ended: false; readonly run: CommandRun | undefined; readonly reason: "timeout" | "interrupted" };

/** A joined run names a running one; a chain longer than this is a bug, not something to follow. */
const MAX_JOINS = 5;

export async function waitForRun(reader: RunReader, commandId: string, options: WaitOptions): Promise<WaitResult> {
  const started = Date.now();
  const deadline = started + options.timeoutMs;
  const pollMs = options.pollMs ?? 500;
  let following = commandId;
  let joins = 0;
  let warned = false;
  let last: CommandRun | undefined;
  for (;;) {
    if (options.signal?.aborted) return { ended: false, run: last, reason: "interrupted" };
    const run = await reader.get(following).catch((error: unknown) => {
      options.onReadError?.(error);
      return null;
    });
    if (run) {
      last = run;
      options.onUpdate?.(run);
      if (run.status === "joined" && run.joined_command_id !== undefined && joins < MAX_JOINS) {
        following = run.joined_command_id;
        joins++;
        continue;
      }
      if (TERMINAL_STATUSES.has(run.status)) return { ended: true, run };
    } else if (!warned && last === undefined && Date.now() - started > (options.unclaimedAfterMs ?? 30_000)) {
      warned = true;
      options.onUnclaimed?.();
    }
    const left = deadline - Date.now();
    if (left <= 0) return { ended: false, run: last, reason: "timeout" };
    await sleep(Math.min(pollMs, left), undefined, { signal: options.signal }).catch(() => {});
  }
}
