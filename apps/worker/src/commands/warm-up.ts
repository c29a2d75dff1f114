/**
 * Warm-up (design §5): with `CACHE_ON_STARTUP=true` a starting worker fills the chat-name cache in
 * the background, at most once per `WARM_UP_INTERVAL_SECONDS` across all replicas.
 *
 * The scheduler waits `WARM_UP_DELAY_MS` (message processing starts at once, untouched), then takes
 * the `warm-up` lease (see `lease.ts`) and publishes a `warm-up` command holding it, so N replicas
 * starting together publish one command, and that command runs like any other: on one worker,
 * recorded, resumable if its worker dies. The command re-checks the lease (idempotent for its own
 * id), so a `warm-up` published by hand within the interval is recorded as skipped. A warm-up
 * that fails gives the lease back.
 */
import { newCommand, type CommandMessage } from "@periskope-pipeline/commands";
import type { Logger } from "@periskope-pipeline/observability";
import { describeFailure } from "./command-error.ts";
import { acquireLease, releaseLease } from "./lease.ts";
import type { RunContext } from "./run-context.ts";
import type { Stats } from "./run-record.ts";
import type { CommandsIndex } from "./run-store.ts";

export const WARM_UP_LEASE = "warm-up";

export interface WarmUpDeps {
  store: CommandsIndex;
  intervalMs: number;
  refresh: (ctx: RunContext) => Promise<Stats>;
}

export async function warmUp(deps: WarmUpDeps, ctx: RunContext): Promise<Stats> {
  const lease = await acquireLease(deps.store, WARM_UP_LEASE, ctx.commandId, deps.intervalMs);
  if (!lease.acquired) {
    const { holder, acquired_at, expires_at } = lease.lease;
    return { skipped: true, reason: `warm-up ${holder} started at ${acquired_at}; the next one may run after ${expires_at}` };
  }
  try {
    return { ...(await deps.refresh(ctx)), skipped: false };
  } catch (error) {
    // A warm-up that failed did not warm anything: let the next worker start try again rather
    // than leave the cache cold for a whole interval. (A takeover re-acquires: same holder.)
    if (!ctx.signal.aborted) await releaseLease(deps.store, WARM_UP_LEASE, lease.version).catch(() => {});
    throw error;
  }
}

export interface WarmUpSchedulerOptions {
  store: CommandsIndex;
  publish: (command: CommandMessage) => Promise<unknown>;
  delayMs: number;
  intervalMs: number;
  workerId: string;
  logger: Logger;
}

export interface WarmUpScheduler {
  /** Resolves when the attempt (if it started) is over; for tests and shutdown. */
  readonly settled: Promise<void>;
  cancel(): void;
}

export function scheduleWarmUp(options: WarmUpSchedulerOptions): WarmUpScheduler {
  const { logger } = options;
  let cancelled = false;
  let resolveSettled: () => void = () => {};
  const settled = new Promise<void>((resolve) => (resolveSettled = resolve));
  const timer = setTimeout(() => {
    if (cancelled) return resolveSettled();
    attempt().finally(resolveSettled);
  }, options.delayMs);
  timer.unref();

  async function attempt(): Promise<void> {
    const commandId = `warm-up-${new Date().toISOString().replace(/[^0-9]/g, "").slice(0, 14)}-${options.workerId.replace(/[^A-Za-z0-9_.:-]/g, "-")}`.slice(0, 128);
    try {
      const lease = await acquireLease(options.store, WARM_UP_LEASE, commandId, options.intervalMs);
      if (!lease.acquired) {
        logger.info({ event: "WarmUpSkipped", stage: "commands", holder: lease.lease.holder, expires_at: lease.lease.expires_at }, "cache warmed recently; skipping warm-up");
        return;
      }
      try {
        await options.publish(newCommand({ type: "warm-up", args: {} }, `worker:${options.workerId}`, commandId));
      } catch (error) {
        // Without a command nobody would warm up for a whole interval: give the lease back.
        await releaseLease(options.store, WARM_UP_LEASE, lease.version).catch(() => {});
        throw error;
      }
      logger.info({ event: "WarmUpPublished", stage: "commands", command_id: commandId }, "warm-up command published");
    } catch (error) {
      const { code, message } = describeFailure(error);
      logger.warn({ event: "WarmUpFailed", stage: "commands", code, retryable: true, message }, "could not start the warm-up; the next worker start will try again");
    }
  }

  return {
    settled,
    cancel() {
      cancelled = true;
      clearTimeout(timer);
      resolveSettled();
    },
  };
}
