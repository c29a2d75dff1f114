/**
 * Warm-up (design §5): with `CACHE_ON_STARTUP=true` a starting worker fills the chat-name cache, at
 * most once per `WARM_UP_INTERVAL_SECONDS` across all replicas.
 *
 * "Once per interval" is the `marker:warm-up` document: written when a full refresh (a warm-up, or
 * a `refresh-cache` of every phone) succeeded, and read before warming. What runs is held by short
 * leases instead, so a worker that dies mid-way blocks nobody for long: the scheduler takes the
 * `warm-up` lease (so N replicas starting together publish one command) and publishes a `warm-up`
 * command; that command runs like any other (on one worker, recorded, resumable) under the
 * `refresh-cache` lease, and joins a refresh already running. A warm-up that fails leaves no
 * marker, so the next start tries again.
 *
 * Normally the warm-up waits `WARM_UP_DELAY_MS` and runs beside message processing. On a fresh
 * deployment (the cache index is empty) the worker instead waits for it before pulling, up to
 * `WARM_UP_WAIT_SECONDS`, so its first messages are enriched from a full cache (see `start-commands`).
 */
import { setTimeout as sleep } from "node:timers/promises";
import { newCommand, type CommandMessage } from "@periskope-pipeline/commands";
import type { Logger } from "@periskope-pipeline/observability";
import { describeFailure } from "./command-error.ts";
import { REFRESH_LEASE, runExclusively, type ExclusiveRefreshOptions } from "./exclusive-refresh.ts";
import { acquireLease, currentLease, releaseLease } from "./lease.ts";
import type { JoinedRun, RunContext } from "./run-context.ts";
import { TERMINAL_STATUSES, type Stats, type StoredRun } from "./run-record.ts";
import type { CommandsIndex } from "./run-store.ts";

export const WARM_UP_LEASE = "warm-up";
export const WARM_UP_MARKER_ID = "marker:warm-up";

/** When the cache was last filled completely, and by which run. */
export interface WarmUpMarker {
  kind: "marker";
  name: "warm-up";
  command_id: string;
  warmed_at: string;
}

/**
 * Records that the cache was just filled completely (a warm-up or a full refresh succeeded). Never
 * fails the run that filled it: without the marker the next start only warms up once more.
 */
export async function markWarm(store: CommandsIndex, commandId: string): Promise<void> {
  const marker: WarmUpMarker = { kind: "marker", name: "warm-up", command_id: commandId, warmed_at: new Date().toISOString() };
  await store.put(WARM_UP_MARKER_ID, marker).catch(() => {});
}

/** The marker, if the cache was filled within the interval. */
async function recentWarmUp(store: CommandsIndex, intervalMs: number): Promise<WarmUpMarker | null> {
  const marker = await store.get<WarmUpMarker>(WARM_UP_MARKER_ID);
  return marker && Date.parse(marker.doc.warmed_at) + intervalMs > Date.now() ? marker.doc : null;
}

function skipped(marker: WarmUpMarker, intervalMs: number): Stats {
  const next = new Date(Date.parse(marker.warmed_at) + intervalMs).toISOString();
  return { skipped: true, reason: `the cache was filled by ${marker.command_id} at ${marker.warmed_at}; the next warm-up may run after ${next}` };
}

export interface WarmUpDeps {
  store: CommandsIndex;
  intervalMs: number;
  lease: ExclusiveRefreshOptions;
  refresh: (ctx: RunContext) => Promise<Stats>;
}

export async function warmUp(deps: WarmUpDeps, ctx: RunContext): Promise<Stats | JoinedRun> {
  const recent = await recentWarmUp(deps.store, deps.intervalMs);
  if (recent) return skipped(recent, deps.intervalMs);
  return runExclusively(deps.lease, ctx, async (leased) => {
    // Checked again under the lease: a warm-up may have finished between the first read and now.
    const justWarmed = await recentWarmUp(deps.store, deps.intervalMs);
    if (justWarmed) return skipped(justWarmed, deps.intervalMs);
    const stats = await deps.refresh(leased);
    await markWarm(deps.store, ctx.commandId);
    return { ...stats, skipped: false };
  });
}

export interface WarmUpSchedulerOptions {
  store: CommandsIndex;
  publish: (command: CommandMessage) => Promise<unknown>;
  delayMs: number;
  intervalMs: number;
  /** Lifetime of the scheduler's `warm-up` lease: covers publishing and the command being picked up. */
  leaseTtlMs: number;
  workerId: string;
  logger: Logger;
}

export interface WarmUpScheduler {
  /**
   * Resolves when the attempt is over: with the command id of the warm-up (or refresh) that fills
   * the cache, or null when none was needed or it could not be started.
   */
  readonly started: Promise<string | null>;
  cancel(): void;
}

export function scheduleWarmUp(options: WarmUpSchedulerOptions): WarmUpScheduler {
  const { logger } = options;
  const cancelled = new AbortController();
  const started = sleep(options.delayMs, undefined, { signal: cancelled.signal, ref: false }).then(
    () => attempt(),
    () => null,
  );

  async function attempt(): Promise<string | null> {
    const commandId = `warm-up-${new Date().toISOString().replace(/[^0-9]/g, "").slice(0, 14)}-${options.workerId.replace(/[^A-Za-z0-9_.:-]/g, "-")}`.slice(0, 128);
    try {
      const recent = await recentWarmUp(options.store, options.intervalMs);
      if (recent) {
        logger.info({ event: "WarmUpSkipped", stage: "commands", warmed_by: recent.command_id, warmed_at: recent.warmed_at }, "cache warmed recently; skipping warm-up");
        return null;
      }
      const refreshing = await currentLease(options.store, REFRESH_LEASE);
      if (refreshing) {
        logger.info({ event: "WarmUpSkipped", stage: "commands", refreshing: refreshing.command_id }, "a refresh is filling the cache; skipping warm-up");
        return refreshing.command_id;
      }
      const lease = await acquireLease(options.store, WARM_UP_LEASE, { holder: commandId, commandId }, options.leaseTtlMs);
      if (!lease.acquired) {
        logger.info({ event: "WarmUpSkipped", stage: "commands", holder: lease.lease.command_id }, "another replica is starting the warm-up");
        return lease.lease.command_id;
      }
      try {
        await options.publish(newCommand({ type: "warm-up", args: {} }, `worker:${options.workerId}`, commandId));
      } catch (error) {
        // Without a command nobody warms up until the lease expires: give it back at once.
        await releaseLease(options.store, WARM_UP_LEASE, lease.version).catch(() => {});
        throw error;
      }
      logger.info({ event: "WarmUpPublished", stage: "commands", command_id: commandId }, "warm-up command published");
      return commandId;
    } catch (error) {
      const { code, message } = describeFailure(error);
      logger.warn({ event: "WarmUpFailed", stage: "commands", code, retryable: true, message }, "could not start the warm-up; the next worker start will try again");
      return null;
    }
  }

  return { started, cancel: () => cancelled.abort() };
}

/** How often a worker waiting for the warm-up looks at its run record. */
const WAIT_POLL_MS = 500;

/**
 * Waits until the run `commandId` (or the run it joined) ended, at most until `deadline` (epoch ms)
 * or until `signal` aborts. Resolves with the run as last seen; never throws.
 */
export async function waitForWarmUp(store: CommandsIndex, commandId: string, deadline: number, signal: AbortSignal): Promise<StoredRun | null> {
  let id = commandId;
  let last: StoredRun | null = null;
  while (Date.now() < deadline && !signal.aborted) {
    const found = await store.get<StoredRun>(id).catch(() => null);
    last = found?.doc ?? last;
    if (found?.doc.status === "joined" && found.doc.joined_command_id) id = found.doc.joined_command_id;
    else if (found && TERMINAL_STATUSES.has(found.doc.status)) return found.doc;
    await sleep(Math.min(WAIT_POLL_MS, Math.max(0, deadline - Date.now())), undefined, { signal }).catch(() => {});
  }
  return last;
}
