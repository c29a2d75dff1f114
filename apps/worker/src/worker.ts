/**
 * Assembles the pipeline from settings and already-built clients: chat-name service, sink,
 * dead-letter publisher, source. No environment reads and no signal handling (that is `main.ts`),
 * so integration tests and the benchmark run the same assembly in-process.
 */
import type { PubSub } from "@google-cloud/pubsub";
import type { ElasticsearchClient } from "@periskope-pipeline/elasticsearch";
import type { Logger } from "@periskope-pipeline/observability";
import type { PeriskopeClient } from "@periskope-pipeline/periskope";
import { ChatNameService } from "./chat-names/index.ts";
import type { WorkerConfig } from "./config.ts";
import { createDeadLetterPublisher, type DeadLetterSink } from "./dead-letter/dead-letter-publisher.ts";
import { withDeadLetterRecords } from "./dead-letter/dead-letter-records.ts";
import { withElasticsearchRetry } from "./elasticsearch/retry.ts";
import { elasticsearchErrorCode } from "./elasticsearch/transient-error.ts";
import type { WorkerMetrics } from "./metrics.ts";
import { OrgPhoneRecorder } from "./org-phones/org-phones.ts";
import { createPipeline, type Pipeline } from "./pipeline.ts";
import { ElasticsearchSink } from "./sink/elasticsearch-sink.ts";
import { createPubSubSource } from "./source/pubsub-source.ts";

/** The settings the assembly reads (a subset of the worker's config). */
export type WorkerSettings = Pick<
  WorkerConfig,
  | "ELASTICSEARCH_INDEX"
  | "ELASTICSEARCH_CACHE_INDEX"
  | "ELASTICSEARCH_EVENTS_INDEX"
  | "ELASTICSEARCH_COMMANDS_INDEX"
  | "ELASTICSEARCH_RETRY_BUDGET_MS"
  | "EVENT_TIME_MAX_SKEW_SECONDS"
  | "PUBSUB_EVENTS_SUBSCRIPTION"
  | "PUBSUB_DEAD_LETTER_TOPIC"
  | "PUBSUB_MAX_STREAMS"
  | "PUBSUB_MAX_OUTSTANDING_MESSAGES"
  | "PUBSUB_MAX_OUTSTANDING_BYTES"
  | "PUBSUB_MIN_ACK_DEADLINE_SECONDS"
  | "PUBSUB_MAX_ACK_DEADLINE_SECONDS"
  | "PUBSUB_MAX_EXTENSION_SECONDS"
  | "WORKER_BATCH_MAX_MESSAGES"
  | "WORKER_BATCH_MAX_BYTES"
  | "WORKER_BATCH_MAX_WAIT_MS"
  | "WORKER_MAX_BATCHES_IN_FLIGHT"
  | "WORKER_SHUTDOWN_TIMEOUT_MS"
  | "CACHE_TTL_SECONDS"
  | "CHAT_NAME_MEMORY_MAX_ENTRIES"
  | "CHAT_NAME_REVALIDATE_SECONDS"
  | "CHAT_NAME_NEGATIVE_TTL_SECONDS"
  | "CHAT_NAME_RESOLVE_BUDGET_MS"
  | "CHAT_NAME_RETRY_INTERVAL_SECONDS"
  | "PERISKOPE_CONCURRENCY"
  | "PERISKOPE_PHONES"
  | "PERISKOPE_LOOKUP_QUEUE_MAX"
  | "CHAT_NAME_UNRESOLVED_SEED_MAX"
>;

export interface WorkerDeps {
  readonly settings: WorkerSettings;
  readonly es: ElasticsearchClient;
  readonly pubsub: PubSub;
  readonly periskope: PeriskopeClient | undefined;
  readonly log: Logger;
  readonly metrics?: WorkerMetrics | undefined;
  readonly onFatal?: (error: Error) => void;
  /** Delay before filling learned names into indexed messages (tests shorten it). */
  readonly fillDelayMs?: number;
}

export interface Worker {
  readonly pipeline: Pipeline;
  readonly chatNames: ChatNameService;
  start(): void;
  /** Stops pulling, drains, closes what the worker opened (not the clients it was given). */
  stop(): Promise<void>;
}

export function createWorker(deps: WorkerDeps): Worker {
  const { settings: s, es, log, metrics } = deps;
  // Aborted late in a shutdown: batches still retrying Elasticsearch give their messages back.
  const retries = new AbortController();
  const esRetry = <T>(call: () => Promise<T>) =>
    withElasticsearchRetry(call, {
      budgetMs: s.ELASTICSEARCH_RETRY_BUDGET_MS,
      signal: retries.signal,
      onRetry: (error, attempt, delayMs) => {
        metrics?.elasticsearchRetries.inc({ stage: "resolve", code: elasticsearchErrorCode(error) });
        log.warn({ event: "ElasticsearchUnavailable", stage: "resolve", code: elasticsearchErrorCode(error), retryable: true, attempt, delay_ms: delayMs }, "Elasticsearch request failed; retrying");
      },
    });

  const chatNames = new ChatNameService({
    es,
    messagesIndex: s.ELASTICSEARCH_INDEX,
    cacheIndex: s.ELASTICSEARCH_CACHE_INDEX,
    periskope: deps.periskope,
    log,
    memory: { maxEntries: s.CHAT_NAME_MEMORY_MAX_ENTRIES, ttlMs: s.CACHE_TTL_SECONDS * 1000, negativeTtlMs: s.CHAT_NAME_NEGATIVE_TTL_SECONDS * 1000, revalidateMs: s.CHAT_NAME_REVALIDATE_SECONDS * 1000 },
    apiConcurrency: s.PERISKOPE_CONCURRENCY,
    apiMaxQueued: s.PERISKOPE_LOOKUP_QUEUE_MAX,
    phones: s.PERISKOPE_PHONES,
    resolveBudgetMs: s.CHAT_NAME_RESOLVE_BUDGET_MS,
    retryIntervalMs: s.CHAT_NAME_RETRY_INTERVAL_SECONDS * 1000,
    unresolvedSeedMax: s.CHAT_NAME_UNRESOLVED_SEED_MAX,
    withElasticsearchRetry: esRetry,
    ...(deps.fillDelayMs !== undefined ? { fillDelayMs: deps.fillDelayMs } : {}),
    hooks: metrics
      ? {
          onLookup: (tier, result, count) => count > 0 && metrics.chatNameLookups.inc({ tier, result }, count),
          onSingleFlightJoin: () => metrics.singleFlightJoins.inc(),
          onBreakerState: (state) => metrics.breakerState.set(state === "closed" ? 0 : state === "half-open" ? 1 : 2),
          onLookupsQueued: (queued) => metrics.lookupsQueued.set(queued),
          onUnresolvedSize: (size) => metrics.unresolvedChats.set(size),
          onFilled: (messages) => metrics.chatNamesFilled.inc(messages),
          onLearned: (source, count) => metrics.chatNamesLearned.inc({ source }, count),
        }
      : undefined,
  });

  const sink = new ElasticsearchSink({
    es,
    retryBudgetMs: s.ELASTICSEARCH_RETRY_BUDGET_MS,
    signal: retries.signal,
    ...(metrics ? { onBulk: (outcome, seconds) => (metrics.bulkRequests.inc({ outcome }), metrics.bulkDuration.observe(seconds)) } : {}),
    onRetry: (code, items, attempt, delayMs) => {
      metrics?.elasticsearchRetries.inc({ stage: "index", code });
      log.warn({ event: "BulkRetry", stage: "index", code, retryable: true, count: items, attempt, delay_ms: delayMs }, "bulk items failed transiently; retrying");
    },
  });

  const deadLetters: DeadLetterSink = withDeadLetterRecords(createDeadLetterPublisher(deps.pubsub, s.PUBSUB_DEAD_LETTER_TOPIC), {
    es,
    index: s.ELASTICSEARCH_EVENTS_INDEX,
    log,
  });

  const source = createPubSubSource(deps.pubsub, {
    subscription: s.PUBSUB_EVENTS_SUBSCRIPTION,
    maxStreams: s.PUBSUB_MAX_STREAMS,
    maxOutstandingMessages: s.PUBSUB_MAX_OUTSTANDING_MESSAGES,
    maxOutstandingBytes: s.PUBSUB_MAX_OUTSTANDING_BYTES,
    minAckDeadlineSeconds: s.PUBSUB_MIN_ACK_DEADLINE_SECONDS,
    maxAckDeadlineSeconds: s.PUBSUB_MAX_ACK_DEADLINE_SECONDS,
    maxExtensionSeconds: s.PUBSUB_MAX_EXTENSION_SECONDS,
    closeTimeoutMs: s.WORKER_SHUTDOWN_TIMEOUT_MS,
  });

  const pipeline = createPipeline({
    source,
    sink,
    deadLetters,
    chatNames,
    indices: { messages: s.ELASTICSEARCH_INDEX, events: s.ELASTICSEARCH_EVENTS_INDEX },
    eventTimeMaxSkewMs: s.EVENT_TIME_MAX_SKEW_SECONDS * 1000,
    log,
    metrics,
    orgPhones: new OrgPhoneRecorder(es, s.ELASTICSEARCH_COMMANDS_INDEX, log),
    batching: {
      maxMessages: s.WORKER_BATCH_MAX_MESSAGES,
      maxBytes: s.WORKER_BATCH_MAX_BYTES,
      maxWaitMs: s.WORKER_BATCH_MAX_WAIT_MS,
      maxBatchesInFlight: s.WORKER_MAX_BATCHES_IN_FLIGHT,
    },
    ...(deps.onFatal ? { onFatal: deps.onFatal } : {}),
  });

  return {
    pipeline,
    chatNames,
    start() {
      chatNames.start();
      pipeline.start();
    },
    async stop() {
      // In-flight batches get most of the shutdown bound to finish; then they stop retrying and
      // nack, so the source's close (bounded by the same setting) finds every message settled.
      const giveUp = setTimeout(() => retries.abort(), Math.max(0, s.WORKER_SHUTDOWN_TIMEOUT_MS - 5_000));
      try {
        await pipeline.stop();
      } finally {
        clearTimeout(giveUp);
        retries.abort();
      }
      await deadLetters.close();
      await chatNames.close();
    },
  };
}
