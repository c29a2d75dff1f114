/**
 * The worker's configuration: the shared setting groups (design §6) plus the worker's own limits.
 * Parsed once in `main.ts`; every limit the pipeline uses is named here with its default and why.
 *
 * @example
 * const config = loadConfig(configSchema); // throws ConfigError listing every bad variable
 */
import {
  elasticsearchSettings,
  envBoolean,
  envInt,
  envLogLevel,
  envString,
  periskopeApiSettings,
  pubsubSettings,
} from "@periskope-pipeline/config";
import { z } from "zod";
import { commandEnvSettings } from "./commands/index.ts";

const MIB = 1024 * 1024;

export const workerSettings = {
  LOG_LEVEL: envLogLevel(),
  /** Prometheus `/metrics`, `/healthz` and `/readyz`. */
  WORKER_METRICS_PORT: envInt(9464, { min: 0, max: 65_535 }),
  /** All interfaces by default: Prometheus and the kubelet's probes reach it from outside the pod. */
  WORKER_METRICS_HOST: envString("0.0.0.0"),

  // Pull (design §3.1). The emulator serves about 2k msgs/s per streaming-pull stream, so the
  // stream count is what lifts the queue ceiling; real Pub/Sub needs far fewer.
  PUBSUB_MAX_STREAMS: envInt(10, { min: 1, max: 64 }),
  /** Messages held by this worker (pulled, not yet acked): bounds memory and redelivery after a crash. */
  PUBSUB_MAX_OUTSTANDING_MESSAGES: envInt(6_000, { min: 1 }),
  /** Also bounds the parsed live set under the heap cap of node-flags.ts: a burst of large webhooks waits. */
  PUBSUB_MAX_OUTSTANDING_BYTES: envInt(32 * MIB, { min: 1024 }),
  /**
   * Lease bounds: how long a message stays invisible to other replicas while we work on it, and
   * how soon a crashed worker's messages come back. The client re-leases everything it holds about
   * every half deadline, so 60 s (the subscription's own deadline) rather than 10 s means six times
   * fewer lease requests for thousands of held messages (measured: a tenth of the emulator's CPU).
   */
  PUBSUB_MIN_ACK_DEADLINE_SECONDS: envInt(60, { min: 10, max: 600 }),
  PUBSUB_MAX_ACK_DEADLINE_SECONDS: envInt(600, { min: 10, max: 600 }),
  /** A message held longer than this is given up (redelivered): a stuck batch cannot hold it forever. */
  PUBSUB_MAX_EXTENSION_SECONDS: envInt(3_600, { min: 60 }),

  // Micro-batches (design §3.2): one bulk request and one cache `mget` serve many messages.
  WORKER_BATCH_MAX_MESSAGES: envInt(1_000, { min: 1, max: 10_000 }),
  WORKER_BATCH_MAX_BYTES: envInt(8 * MIB, { min: 1024, max: 90 * MIB }),
  /**
   * Under a steady rate the batch size is rate × this wait, and every bulk request costs the worker
   * and Elasticsearch on top of its documents: 250 ms makes 500-document bulks at 2,000/s (100 at
   * 50 ms), still well inside the 1 s refresh for time to searchable.
   */
  WORKER_BATCH_MAX_WAIT_MS: envInt(250, { min: 1, max: 10_000 }),
  /** Batches processed at once; also the number of bulk requests in flight. */
  WORKER_MAX_BATCHES_IN_FLIGHT: envInt(3, { min: 1, max: 32 }),
  /** Bound on graceful shutdown: finish in-flight batches, nack the rest, close clients. */
  WORKER_SHUTDOWN_TIMEOUT_MS: envInt(25_000, { min: 1_000 }),

  /** Install index templates and create the indices at startup (idempotent; needs manage_index_templates). */
  ELASTICSEARCH_INSTALL_TEMPLATES: envBoolean(true),
  /**
   * How long one Elasticsearch call's retryable failures (429/5xx/unreachable) are retried with
   * backoff before its caller hears of them: a batch then waits for the breaker to close (its
   * messages held, never nacked), a name fill is tried again later, a cache write is re-queued.
   */
  ELASTICSEARCH_RETRY_BUDGET_MS: envInt(30_000, { min: 0 }),
  /** Retryable Elasticsearch failures in a row that open the breaker, which pauses pulling. */
  ELASTICSEARCH_BREAKER_FAILURES: envInt(5, { min: 1 }),
  /** While the breaker is open, how often `GET /_cluster/health` is probed; the first yellow answer resumes. */
  ELASTICSEARCH_BREAKER_PROBE_MS: envInt(5_000, { min: 100 }),
  /**
   * How far a message event's time may be after its receive time (clock skew); beyond it the event
   * is dead-lettered (`event_time_out_of_range`) instead of versioning its document into the future.
   */
  EVENT_TIME_MAX_SKEW_SECONDS: envInt(86_400, { min: 0 }),

  // Chat names (design §3.4).
  /** Time-to-live of a name in the in-process tier. */
  CACHE_TTL_SECONDS: envInt(3_600, { min: 1 }),
  CHAT_NAME_MEMORY_MAX_ENTRIES: envInt(100_000, { min: 100 }),
  /** How often a name in the in-process tier is compared with the cache index (renames reach every replica within this). */
  CHAT_NAME_REVALIDATE_SECONDS: envInt(60, { min: 1 }),
  /** How long "the API does not know this chat" is remembered before asking again. */
  CHAT_NAME_NEGATIVE_TTL_SECONDS: envInt(60, { min: 1 }),
  /** How long a batch waits for API lookups; later answers still fill the messages afterwards. */
  CHAT_NAME_RESOLVE_BUDGET_MS: envInt(5_000, { min: 0 }),
  /**
   * Names waiting to be written to the cache index (one per chat) while Elasticsearch is slow; past
   * it a new chat's write is dropped: its name stays in memory and reaches the index again with
   * the next lookup or refresh-cache (the cache is derived data).
   */
  CHAT_NAME_CACHE_WRITE_MAX_PENDING: envInt(10_000, { min: 1 }),
  /**
   * Chats waiting for their name to be filled into indexed messages; past it (or when a fill
   * fails) a chat joins the unresolved chats, which are looked up and filled again later.
   */
  CHAT_NAME_FILL_MAX_PENDING: envInt(10_000, { min: 1 }),
  /** How often chats indexed unresolved after an API failure are looked up again. */
  CHAT_NAME_RETRY_INTERVAL_SECONDS: envInt(15, { min: 1 }),
  /**
   * Chats left unresolved in the messages index that a starting worker reads back and looks up
   * again (the in-memory list does not survive a restart). One terms bucket per chat plus one per
   * phone must stay under Elasticsearch's search.max_buckets (65,536): hence the cap.
   */
  CHAT_NAME_UNRESOLVED_SEED_MAX: envInt(10_000, { min: 0, max: 30_000 }),
  /**
   * API lookups allowed to wait for one of the PERISKOPE_CONCURRENCY slots. More are not queued:
   * their chats are indexed unresolved and looked up later, so a slow API never grows memory.
   */
  PERISKOPE_LOOKUP_QUEUE_MAX: envInt(1_000, { min: 1 }),
  /** Periskope attempts per lookup, and the wall-clock budget of one lookup including waits. */
  PERISKOPE_RETRY_MAX_ATTEMPTS: envInt(4, { min: 1, max: 20 }),
  PERISKOPE_RETRY_BUDGET_MS: envInt(20_000, { min: 100 }),
  /**
   * Consecutive Periskope calls that failed retryably after their retries (lookups and refresh pages
   * alike: the worker has one client) that open the circuit, and how long it stays open.
   */
  PERISKOPE_BREAKER_FAILURES: envInt(5, { min: 1 }),
  PERISKOPE_BREAKER_COOLDOWN_MS: envInt(30_000, { min: 100 }),
};

export const configSchema = z.object({
  ...elasticsearchSettings,
  ...pubsubSettings,
  ...periskopeApiSettings,
  ...workerSettings,
  // CACHE_ON_STARTUP, WARM_UP_*, COMMAND_*, REFRESH_*, BACKFILL_*, REPLAY_*: owned by the commands module.
  ...commandEnvSettings,
});

export type WorkerConfig = z.output<typeof configSchema>;
