/**
 * The sink: one bulk request per batch, and an outcome per item (design §3.5), classified once by
 * `classifyBulkItem`: written → indexed; version conflict under external_gte → superseded (the index
 * already holds a newer state); 429/5xx → tried again within the retry budget, then `retry` (nack);
 * any other rejection (mapping or parse errors) → dead-letter with Elasticsearch's error type and
 * reason. An unreachable cluster is retried with backoff for the same budget, then the whole batch
 * is nacked: no busy loop, and nothing acked that is not written.
 *
 * Operations arrive serialized (stages/serialize-operation.ts) and are sent as they are. The
 * response is filtered to what the classification reads: Elasticsearch otherwise answers every
 * item with its index, id, version, seq_no, shard counts and result, which it spends CPU writing
 * and the worker spends CPU and garbage parsing, for nothing.
 */
import { bulkItemResult, classifyBulkItem, type ElasticsearchClient } from "@periskope-pipeline/elasticsearch";
import { setTimeout as sleep } from "node:timers/promises";
import { elasticsearchErrorCode, isTransientElasticsearchError } from "../elasticsearch/transient-error.ts";
import { backoffMs } from "../elasticsearch/retry.ts";
import { deadLetter, INDEXED, retry, SUPERSEDED, type Outcome } from "../settle/outcome.ts";
import { bulkBody, type SerializedOperation } from "../stages/serialize-operation.ts";

/** The parts of a bulk response `classifyBulkItem` reads: each item's status and error (in order). */
export const BULK_RESPONSE_FILTER = ["items.*.status", "items.*.error.type", "items.*.error.reason", "items.*.error.caused_by.reason"];

export interface ElasticsearchSinkOptions {
  readonly es: ElasticsearchClient;
  /** How long retryable failures are retried before the items are given back for redelivery. */
  readonly retryBudgetMs: number;
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  /** Aborted when shutdown runs out of patience: stop retrying, give the items back (nack). */
  readonly signal?: AbortSignal;
  readonly onBulk?: (outcome: "ok" | "partial" | "failed", seconds: number) => void;
  readonly onRetry?: (code: string, items: number, attempt: number, delayMs: number) => void;
}

export class ElasticsearchSink {
  private readonly options: ElasticsearchSinkOptions;

  constructor(options: ElasticsearchSinkOptions) {
    this.options = options;
  }

  /** One outcome per operation, in order. Never throws for Elasticsearch failures. */
  async write(operations: readonly SerializedOperation[]): Promise<Outcome[]> {
    const signal = this.options.signal;
    const outcomes: Outcome[] = new Array(operations.length);
    let pending = operations.map((_, i) => i);
    const deadline = Date.now() + this.options.retryBudgetMs;
    for (let attempt = 1; pending.length > 0; attempt++) {
      const { retryable, code } = await this.attempt(operations, pending, outcomes);
      pending = retryable;
      if (pending.length === 0) break;
      const delayMs = backoffMs(attempt, this.options.baseDelayMs ?? 200, this.options.maxDelayMs ?? 5_000, Math.random);
      if (Date.now() + delayMs > deadline || signal?.aborted) {
        for (const i of pending) outcomes[i] = retry("index", code);
        break;
      }
      this.options.onRetry?.(code, pending.length, attempt, delayMs);
      await sleep(delayMs, undefined, signal ? { signal } : undefined).catch(() => undefined);
    }
    return outcomes;
  }

  private async attempt(
    operations: readonly SerializedOperation[],
    indexes: readonly number[],
    outcomes: Outcome[],
  ): Promise<{ retryable: number[]; code: string }> {
    // A body in bytes is sent as it is: the transport serializes only objects (its typings list
    // only arrays, hence the cast below).
    const body = bulkBody(indexes.map((i) => operations[i]!));
    const started = performance.now();
    let items;
    try {
      ({ items = [] } = await this.options.es.bulk({ operations: body as never, filter_path: BULK_RESPONSE_FILTER }));
    } catch (error) {
      this.options.onBulk?.("failed", (performance.now() - started) / 1000);
      if (!isTransientElasticsearchError(error)) {
        // The request itself was refused (e.g. 400 for a body too large): nothing was written, and
        // resending the same request cannot help, so its messages are redelivered and retried alone.
        const code = elasticsearchErrorCode(error);
        for (const i of indexes) outcomes[i] = retry("index", code);
        return { retryable: [], code };
      }
      return { retryable: [...indexes], code: elasticsearchErrorCode(error) };
    }
    const retryable: number[] = [];
    let rejected = 0;
    let code = "";
    items.forEach((item, position) => {
      const i = indexes[position]!;
      const outcome = classifyBulkItem(bulkItemResult(item));
      switch (outcome.kind) {
        case "ok":
          outcomes[i] = INDEXED;
          break;
        case "superseded":
          outcomes[i] = SUPERSEDED;
          break;
        case "rejected":
          outcomes[i] = deadLetter("index", outcome.errorType, outcome.reason);
          rejected++;
          break;
        case "retryable":
          retryable.push(i);
          code = outcome.errorType;
          break;
      }
    });
    if (items.length < indexes.length) {
      // A response that does not account for every item: resend the ones it skipped.
      for (const i of indexes.slice(items.length)) retryable.push(i);
      code ||= "missing_items";
    }
    this.options.onBulk?.(retryable.length === 0 && rejected === 0 ? "ok" : "partial", (performance.now() - started) / 1000);
    return { retryable, code };
  }
}
