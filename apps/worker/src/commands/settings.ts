/**
 * Settings of the command runner (design §5), as a zod env shape the worker's config spreads into
 * its schema, plus the typed view the runner reads.
 *
 * @example
 * const schema = z.object({ ...elasticsearchSettings, ...commandEnvSettings });
 * const settings = commandSettingsFromConfig(loadConfig(schema, process.env));
 */
import { envBoolean, envInt } from "@periskope-pipeline/config";

export const commandEnvSettings = {
  /** Warm the chat-name cache (a `refresh-cache`) in the background when a worker starts. */
  CACHE_ON_STARTUP: envBoolean(false),
  /** Wait after start before warming, so a rollout's replicas first drain their backlog. */
  WARM_UP_DELAY_MS: envInt(10_000, { min: 0 }),
  /** At most one warm-up per this many seconds across all replicas (since the cache was last filled). */
  WARM_UP_INTERVAL_SECONDS: envInt(3_600, { min: 1 }),
  /**
   * With `CACHE_ON_STARTUP`, a worker that finds the cache index empty (a fresh deployment) waits
   * this long for the warm-up before it pulls messages, so they are enriched from a full cache;
   * then it starts anyway and the warm-up goes on beside it. Under the platforms' startup probes (120 s).
   */
  WARM_UP_WAIT_SECONDS: envInt(60, { min: 0, max: 600 }),
  /** How often a running command proves it is alive (heartbeat_at on its run record). */
  COMMAND_HEARTBEAT_MS: envInt(5_000, { min: 100 }),
  /** A run whose heartbeat is older than this is presumed dead and may be taken over. */
  COMMAND_STALE_AFTER_MS: envInt(30_000, { min: 1_000 }),
  /**
   * Command deliveries one worker holds at once (Pub/Sub flow control): 2, so a delivery watching a
   * run alive on another worker never keeps this one from running a different command.
   */
  COMMAND_CONCURRENCY: envInt(2, { min: 1, max: 16 }),
  /** Page size for `GET /chats`; the API rejects more than 2000 (reference §3). */
  REFRESH_PAGE_SIZE: envInt(2_000, { min: 1, max: 2_000 }),
  /** Phones `refresh-cache` pages at once (each phone's pages are sequential: offset paging). */
  REFRESH_PHONE_CONCURRENCY: envInt(2, { min: 1, max: 16 }),
  /** Messages read and fixed per `backfill-chat-names` batch. */
  BACKFILL_BATCH_SIZE: envInt(1_000, { min: 1, max: 10_000 }),
  /** Pause between backfill batches, so a backfill never starves live indexing. */
  BACKFILL_PAUSE_MS: envInt(200, { min: 0 }),
  /** Dead letters pulled (and republished) per `replay-dead-letters` round. */
  REPLAY_BATCH_SIZE: envInt(100, { min: 1, max: 1_000 }),
  /**
   * `replay-dead-letters` stops after this long without a message. Longer than the dead-letter
   * subscription's minimum retry backoff (10 s): Pub/Sub delays nacked messages by it, so dead
   * letters that a dry run or an event_type filter just handed back are still seen.
   */
  REPLAY_IDLE_MS: envInt(15_000, { min: 500 }),
};

export interface CommandSettings {
  readonly cacheOnStartup: boolean;
  readonly warmUpDelayMs: number;
  readonly warmUpIntervalMs: number;
  readonly warmUpWaitMs: number;
  readonly heartbeatMs: number;
  readonly staleAfterMs: number;
  readonly concurrency: number;
  readonly refreshPageSize: number;
  readonly refreshPhoneConcurrency: number;
  readonly backfillBatchSize: number;
  readonly backfillPauseMs: number;
  readonly replayBatchSize: number;
  readonly replayIdleMs: number;
}

export const DEFAULT_COMMAND_SETTINGS: CommandSettings = {
  cacheOnStartup: false,
  warmUpDelayMs: 10_000,
  warmUpIntervalMs: 3_600_000,
  warmUpWaitMs: 60_000,
  heartbeatMs: 5_000,
  staleAfterMs: 30_000,
  concurrency: 2,
  refreshPageSize: 2_000,
  refreshPhoneConcurrency: 2,
  backfillBatchSize: 1_000,
  backfillPauseMs: 200,
  replayBatchSize: 100,
  replayIdleMs: 15_000,
};

export function commandSettingsFromConfig(config: {
  CACHE_ON_STARTUP: boolean;
  WARM_UP_DELAY_MS: number;
  WARM_UP_INTERVAL_SECONDS: number;
  WARM_UP_WAIT_SECONDS: number;
  COMMAND_HEARTBEAT_MS: number;
  COMMAND_STALE_AFTER_MS: number;
  COMMAND_CONCURRENCY: number;
  REFRESH_PAGE_SIZE: number;
  REFRESH_PHONE_CONCURRENCY: number;
  BACKFILL_BATCH_SIZE: number;
  BACKFILL_PAUSE_MS: number;
  REPLAY_BATCH_SIZE: number;
  REPLAY_IDLE_MS: number;
}): CommandSettings {
  return {
    cacheOnStartup: config.CACHE_ON_STARTUP,
    warmUpDelayMs: config.WARM_UP_DELAY_MS,
    warmUpIntervalMs: config.WARM_UP_INTERVAL_SECONDS * 1000,
    warmUpWaitMs: config.WARM_UP_WAIT_SECONDS * 1000,
    heartbeatMs: config.COMMAND_HEARTBEAT_MS,
    staleAfterMs: config.COMMAND_STALE_AFTER_MS,
    concurrency: config.COMMAND_CONCURRENCY,
    refreshPageSize: config.REFRESH_PAGE_SIZE,
    refreshPhoneConcurrency: config.REFRESH_PHONE_CONCURRENCY,
    backfillBatchSize: config.BACKFILL_BATCH_SIZE,
    backfillPauseMs: config.BACKFILL_PAUSE_MS,
    replayBatchSize: config.REPLAY_BATCH_SIZE,
    replayIdleMs: config.REPLAY_IDLE_MS,
  };
}
