/**
 * The worker's Prometheus metrics, declared once on a registry the caller owns (one per process in
 * `main.ts`, a fresh one per test). Label values are low-cardinality codes, never ids.
 *
 * @example
 * const metrics = createWorkerMetrics(createMetricsRegistry("worker"));
 * metrics.messages.inc({ outcome: "indexed" }, 500);
 */
import { Counter, Gauge, Histogram, LATENCY_BUCKETS_SECONDS, type Registry } from "@periskope-pipeline/observability";

/** Batch sizes from a lone message to the largest configurable batch. */
const BATCH_SIZE_BUCKETS = [1, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_000, 5_000, 10_000];
/** Webhook received → document indexed: milliseconds when idle, minutes during an outage. */
const LAG_BUCKETS_SECONDS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];

export function createWorkerMetrics(registry: Registry) {
  const registers = [registry];
  return {
    /** Final outcome per pulled message: indexed | superseded | dead_lettered | nacked. */
    messages: new Counter({
      name: "worker_messages_total",
      help: "Pulled messages by final outcome",
      labelNames: ["outcome"] as const,
      registers,
    }),
    batchSize: new Histogram({
      name: "worker_batch_size",
      help: "Messages per micro-batch",
      buckets: BATCH_SIZE_BUCKETS,
      registers,
    }),
    batchDuration: new Histogram({
      name: "worker_batch_duration_seconds",
      help: "Time to process one micro-batch, decode to settle",
      buckets: LATENCY_BUCKETS_SECONDS,
      registers,
    }),
    stageDuration: new Histogram({
      name: "worker_stage_duration_seconds",
      help: "Time spent per pipeline stage and batch",
      labelNames: ["stage"] as const,
      buckets: LATENCY_BUCKETS_SECONDS,
      registers,
    }),
    batchesInFlight: new Gauge({
      name: "worker_batches_in_flight",
      help: "Micro-batches being processed",
      registers,
    }),
    messagesHeld: new Gauge({
      name: "worker_messages_held",
      help: "Pulled messages not yet acked or nacked",
      registers,
    }),
    pubsubBuffered: new Gauge({
      name: "worker_pubsub_messages_buffered",
      help: "Messages the Pub/Sub client holds (handed to the pipeline or queued behind flow control)",
      registers,
    }),
    /** Chat-name lookups per tier: `result` is hit | miss (negative entries count as `negative`). */
    chatNameLookups: new Counter({
      name: "worker_chat_name_lookups_total",
      help: "Chat-name lookups by tier (memory, cache, api) and result (hit, miss, negative)",
      labelNames: ["tier", "result"] as const,
      registers,
    }),
    apiCalls: new Counter({
      name: "worker_periskope_api_calls_total",
      help: "Periskope HTTP attempts by operation and status (or client error code)",
      labelNames: ["operation", "status"] as const,
      registers,
    }),
    singleFlightJoins: new Counter({
      name: "worker_chat_name_single_flight_joins_total",
      help: "Lookups that joined an API call already in flight for the same chat",
      registers,
    }),
    lookupsQueued: new Gauge({
      name: "worker_periskope_lookups_queued",
      help: "Chat-name API lookups waiting for a slot (bounded by PERISKOPE_LOOKUP_QUEUE_MAX)",
      registers,
    }),
    breakerState: new Gauge({
      name: "worker_periskope_circuit_state",
      help: "Periskope circuit breaker: 0 closed, 1 half-open, 2 open",
      registers,
    }),
    chatNamesLearned: new Counter({
      name: "worker_chat_names_learned_total",
      help: "Chat names learned without an API call, by source (webhook, refresh)",
      labelNames: ["source"] as const,
      registers,
    }),
    unresolvedChats: new Gauge({
      name: "worker_unresolved_chats",
      help: "Chats with messages indexed without a name, waiting for one",
      registers,
    }),
    chatNamesFilled: new Counter({
      name: "worker_chat_names_filled_total",
      help: "Messages whose chat_name was filled in after indexing",
      registers,
    }),
    deadLetters: new Counter({
      name: "worker_dead_letters_total",
      help: "Messages published to the dead-letter topic, by error kind and stage",
      labelNames: ["kind", "stage"] as const,
      registers,
    }),
    bulkRequests: new Counter({
      name: "worker_bulk_requests_total",
      help: "Elasticsearch bulk requests by outcome (ok, partial, failed)",
      labelNames: ["outcome"] as const,
      registers,
    }),
    elasticsearchRetries: new Counter({
      name: "worker_elasticsearch_retries_total",
      help: "Waits before retrying a failed Elasticsearch request (unreachable, 429, 5xx), by stage",
      labelNames: ["stage", "code"] as const,
      registers,
    }),
    bulkDuration: new Histogram({
      name: "worker_bulk_duration_seconds",
      help: "Elasticsearch bulk request latency",
      buckets: LATENCY_BUCKETS_SECONDS,
      registers,
    }),
    endToEndLag: new Histogram({
      name: "worker_end_to_end_lag_seconds",
      help: "Time from the ingress receiving a webhook (received_at) to its document being indexed",
      buckets: LAG_BUCKETS_SECONDS,
      registers,
    }),
  };
}

export type WorkerMetrics = ReturnType<typeof createWorkerMetrics>;
