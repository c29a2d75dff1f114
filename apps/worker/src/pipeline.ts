/**
 * The worker pipeline: source → micro-batches → stages → sink → settle (design §3). A factory that
 * takes its dependencies, so tests run it against the real services with their own names, and
 * `main.ts` stays the only place that reads the environment.
 *
 * @example
 * const pipeline = createPipeline({ source, sink, deadLetters, chatNames, indices, log, metrics, batching });
 * pipeline.start();
 * process.once("SIGTERM", () => pipeline.stop());
 */
import type { Logger } from "@periskope-pipeline/observability";
import pLimit from "p-limit";
import { MicroBatcher } from "./batch/micro-batcher.ts";
import type { DeadLetterSink } from "./dead-letter/dead-letter-publisher.ts";
import type { WorkerMetrics } from "./metrics.ts";
import { processBatch, type BatchSink, type ChatNames } from "./process-batch.ts";
import { retry } from "./settle/outcome.ts";
import { settleBatch } from "./settle/settle.ts";
import type { Delivery } from "./source/delivery.ts";
import type { Source } from "./source/pubsub-source.ts";
import type { TargetIndices } from "./stages/build-documents.ts";
import type { PhoneRecorder } from "./stages/record-org-phones.ts";

export interface BatchingOptions {
  readonly maxMessages: number;
  readonly maxBytes: number;
  readonly maxWaitMs: number;
  readonly maxBatchesInFlight: number;
}

export interface PipelineDeps {
  readonly source: Source;
  readonly sink: BatchSink;
  readonly deadLetters: DeadLetterSink;
  readonly chatNames: ChatNames;
  readonly indices: TargetIndices;
  /** How far after its receive time a message event's time may be (`EVENT_TIME_MAX_SKEW_SECONDS`). */
  readonly eventTimeMaxSkewMs?: number;
  readonly log: Logger;
  readonly metrics?: WorkerMetrics | undefined;
  readonly orgPhones?: PhoneRecorder | undefined;
  readonly batching: BatchingOptions;
  /** The source failed for good (e.g. the subscription does not exist): the process should exit. */
  readonly onFatal?: (error: Error) => void;
}

export interface PipelineTotals {
  pulled: number;
  indexed: number;
  superseded: number;
  deadLettered: number;
  nacked: number;
}

export interface Pipeline {
  start(): void;
  /** Stops pulling, finishes in-flight batches (nacking what is left at the source's close bound). */
  stop(): Promise<void>;
  /** Pulling and not stopping. */
  readonly ready: boolean;
  readonly totals: Readonly<PipelineTotals>;
}

export function createPipeline(deps: PipelineDeps): Pipeline {
  const { source, log, metrics, batching } = deps;
  const limit = pLimit(batching.maxBatchesInFlight);
  const running = new Set<Promise<void>>();
  /** Batches handed to the limiter and not finished (running or queued). */
  let batchesOut = 0;
  /** Bulk requests being written (retries included). */
  let bulksOut = 0;
  const totals: PipelineTotals = { pulled: 0, indexed: 0, superseded: 0, deadLettered: 0, nacked: 0 };
  let started = false;
  let stopping = false;

  const batcher = new MicroBatcher<Delivery>({
    maxItems: batching.maxMessages,
    maxBytes: batching.maxBytes,
    maxWaitMs: batching.maxWaitMs,
    sizeOf: (d) => d.data.length,
    // A batch that is due but not full waits while a bulk request is out, and keeps filling: the
    // bulk size then follows the load (what arrives during one bulk goes in the next), and
    // Elasticsearch pays per request (translog fsync, refresh bookkeeping), not only per document.
    // Measured at 2,000 messages/s: see the commit that introduced it.
    hasCapacity: () => bulksOut === 0 && batchesOut < batching.maxBatchesInFlight,
    onBatch: (batch) => {
      batchesOut++;
      const run = limit(() => runBatch(batch)).finally(() => {
        running.delete(run);
        batchesOut--;
        batcher.capacityFreed();
      });
      running.add(run);
    },
  });

  const sink: BatchSink = {
    async write(operations) {
      bulksOut++;
      try {
        return await deps.sink.write(operations);
      } finally {
        bulksOut--;
        batcher.capacityFreed();
      }
    },
  };

  async function runBatch(batch: Delivery[]): Promise<void> {
    metrics?.batchesInFlight.inc();
    metrics?.batchSize.observe(batch.length);
    const endBatch = metrics?.batchDuration.startTimer();
    try {
      const counts = await processBatch(batch, { ...deps, sink });
      totals.indexed += counts.indexed;
      totals.superseded += counts.superseded;
      totals.deadLettered += counts.deadLettered;
      totals.nacked += counts.nacked;
      log.debug({ event: "BatchProcessed", stage: "settle", count: batch.length, ...counts }, "batch processed");
    } catch (error) {
      // processBatch decides every message itself; reaching here is a bug. Give the batch back
      // (messages already settled ignore a second settlement: the client marks them handled).
      log.error({ event: "BatchCrashed", stage: "settle", code: "unexpected", retryable: true, count: batch.length, err: error }, "batch crashed; nacking it");
      await settleBatch(batch.map((delivery) => ({ delivery, outcome: retry("settle", "batch_crashed") })), deps).catch(() => undefined);
    } finally {
      endBatch?.();
      metrics?.batchesInFlight.dec();
      metrics?.messagesHeld.dec(batch.length);
      const buffered = source.buffered();
      if (buffered !== undefined) metrics?.pubsubBuffered.set(buffered);
    }
  }

  return {
    start() {
      if (started) throw new Error("pipeline already started");
      started = true;
      source.start(
        (delivery) => {
          totals.pulled++;
          metrics?.messagesHeld.inc();
          if (delivery.deliveryAttempt > 0) metrics?.deliveryAttempts.observe(delivery.deliveryAttempt);
          batcher.add(delivery);
          // While stopping, nothing new is pulled; whatever still arrives goes out at once.
          if (stopping) batcher.flush();
        },
        (error) => {
          log.error({ event: "SourceFailed", stage: "pull", code: String((error as { code?: unknown }).code ?? error.name), retryable: source.isOpen, err: error }, "Pub/Sub subscriber error");
          if (!source.isOpen && !stopping) deps.onFatal?.(error);
        },
        (code, message) => log.warn({ event: "SourceDegraded", stage: "pull", code }, message),
      );
      log.info({ event: "PipelineStarted", stage: "pull" }, "pulling");
    },
    async stop() {
      if (!started || stopping) return;
      stopping = true;
      // close() stops the stream synchronously, then waits until every pulled message is settled.
      const closing = source.stop();
      batcher.flush();
      await closing;
      await Promise.allSettled([...running]);
      log.info({ event: "PipelineStopped", stage: "settle", ...totals }, "pipeline stopped");
    },
    get ready() {
      return started && !stopping && source.isOpen;
    },
    get totals() {
      return totals;
    },
  };
}
