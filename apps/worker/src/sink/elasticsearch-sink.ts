/**
 * The sink: one `bulkWrite` per batch (design §3.5), its outcome per item mapped to the message's:
 * written → indexed; version conflict → superseded (the index already holds a newer state); refused
 * (mapping or parse errors) → dead-letter with Elasticsearch's error type and reason.
 *
 * Items still retryable when the policy's budget ran out, or refused by its open breaker, are held,
 * not given back: a nack costs a delivery attempt, and after the subscription's maximum Pub/Sub
 * dead-letters a valid message. So while Elasticsearch is unavailable the batch waits for the
 * breaker to close (the worker meanwhile pauses pulling, and the client library keeps extending the
 * messages' leases), then writes what is left. Only shutdown (`signal`) gives items back (nack), and
 * a request refused as a whole (e.g. 413), which resending cannot fix.
 *
 * Operations arrive serialized (stages/serialize-operation.ts) and are sent as they are.
 */
import { bulkWrite, elasticsearchErrorCode, type ElasticsearchClient, type ElasticsearchPolicy } from "@periskope-pipeline/elasticsearch";
import { deadLetter, INDEXED, retry, SUPERSEDED, type Outcome } from "../settle/outcome.ts";
import type { SerializedOperation } from "../stages/serialize-operation.ts";

export interface ElasticsearchSinkOptions {
  readonly es: ElasticsearchClient;
  readonly policy: Pick<ElasticsearchPolicy, "execute" | "whenAvailable">;
  /** Aborted when shutdown runs out of patience: stop retrying, give the items back (nack). */
  readonly signal?: AbortSignal;
  readonly onBulk?: (outcome: "ok" | "partial" | "failed", seconds: number) => void;
  /** Items held for Elasticsearch to come back (budget spent or breaker open), with the last code. */
  readonly onHold?: (code: string, items: number) => void;
}

export class ElasticsearchSink {
  private readonly options: ElasticsearchSinkOptions;

  constructor(options: ElasticsearchSinkOptions) {
    this.options = options;
  }

  /** One outcome per operation, in order. Never throws for Elasticsearch failures. */
  async write(operations: readonly SerializedOperation[]): Promise<Outcome[]> {
    const { es, policy, signal } = this.options;
    const outcomes: Outcome[] = new Array(operations.length);
    let pending = operations.map((_, i) => i);
    const giveBack = (code: string) => {
      for (const i of pending) outcomes[i] = retry("index", code);
    };
    while (pending.length > 0) {
      let results;
      try {
        results = await bulkWrite(es, pending.map((i) => operations[i]!), { policy, signal, ...(this.options.onBulk ? { onRequest: this.options.onBulk } : {}) });
      } catch (error) {
        // Refused as a whole: the messages are redelivered and retried in other batches.
        giveBack(elasticsearchErrorCode(error));
        break;
      }
      const held: number[] = [];
      let code = "";
      results.forEach((result, position) => {
        const i = pending[position]!;
        if (result.kind === "ok") outcomes[i] = INDEXED;
        else if (result.kind === "superseded") outcomes[i] = SUPERSEDED;
        else if (result.kind === "rejected") outcomes[i] = deadLetter("index", result.errorType, result.reason);
        else {
          held.push(i);
          code = result.code;
        }
      });
      pending = held;
      if (pending.length === 0) break;
      if (signal?.aborted) {
        giveBack(code);
        break;
      }
      this.options.onHold?.(code, pending.length);
      const available = await policy.whenAvailable(signal).then(
        () => true,
        () => false,
      );
      if (!available) {
        giveBack(code);
        break;
      }
    }
    return outcomes;
  }
}
