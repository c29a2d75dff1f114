/**
 * Polls a command's run record until it finishes or the wait ends. Store outages while polling are
 * not fatal: the command is queued either way, so they only mean "status unknown" at the deadline.
 */
import type { CommandRun } from "@periskope-pipeline/contracts";
import type { CommandRunReader } from "./command-runs.ts";

export type WaitResult =
  | { readonly state: "finished"; readonly run: CommandRun }
  /** Still accepted/running at the deadline (`run` null: no record yet or the store was unreachable). */
  | { readonly state: "pending"; readonly run: CommandRun | null };

export interface WaitOptions {
  readonly waitMs: number;
  readonly pollIntervalMs: number;
  /** Stops early (client gone, instance draining). */
  readonly shouldStop?: () => boolean;
}

export async function waitForRun(runs: CommandRunReader, commandId: string, options: WaitOptions): Promise<WaitResult> {
  const deadline = Date.now() + options.waitMs;
  let last: CommandRun | null = null;
  for (;;) {
    last = await runs.get(commandId).catch(() => last);
    if (last && (last.status === "succeeded" || last.status === "failed")) return { state: "finished", run: last };
    const left = deadline - Date.now();
    if (left <= 0 || options.shouldStop?.()) return { state: "pending", run: last };
    await new Promise((resolve) => setTimeout(resolve, Math.min(options.pollIntervalMs, left)));
  }
}
