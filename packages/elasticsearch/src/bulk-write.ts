/**
 * One bulk write for every writer (the worker's sink, cache writes, name fills, dead-letter
 * records, refresh-cache): sends the operations, retries only the items that failed retryably,
 * through the caller's policy (its backoff, budget and breaker), and answers one outcome per
 * operation, in order, so callers only map outcomes:
 *
 * - `ok`, `superseded` (a version conflict: the index holds a newer or equal version),
 * - `rejected` with Elasticsearch's error type and reason (retrying cannot help),
 * - `retry` with a code: still retryable when the budget ran out, the breaker was open, or `signal`
 *   aborted. Nothing was lost: the caller gives the item back or tries again later.
 *
 * A request refused as a whole for a reason retrying cannot fix (e.g. 413, 401) is thrown.
 *
 * Operations are NDJSON bytes (an action line and a source line, as the worker's sink serializes
 * them once) or `{ action, document }` objects, serialized once here so a retry resends bytes. The
 * response is filtered to what the classification reads: Elasticsearch otherwise answers every item
 * with its index, id, version, seq_no, shard counts and result, for nothing.
 *
 * @example
 * const outcomes = await bulkWrite(es, [{ action: { index: { _index: "names", _id: "c1" } }, document: { chat_name: "Ops" } }], { policy });
 */
import type { Client } from "@elastic/elasticsearch";
import { bulkItemResult, classifyBulkItem } from "./bulk-outcome.ts";
import { elasticsearchErrorCode, isRetryableElasticsearchError, RetryableItemsError } from "./request-error.ts";
import { isBrokenCircuit, RETRY_WITHOUT_BREAKER, type ElasticsearchPolicy } from "./resilience.ts";

/** The parts of a bulk response `classifyBulkItem` reads: each item's status and error (in order). */
export const BULK_RESPONSE_FILTER = ["items.*.status", "items.*.error.type", "items.*.error.reason", "items.*.error.caused_by.reason"];

export type BulkWriteOperation = Uint8Array | { readonly action: Record<string, unknown>; readonly document?: unknown };

export type BulkWriteOutcome =
  | { readonly kind: "ok" }
  | { readonly kind: "superseded" }
  | { readonly kind: "rejected"; readonly status: number; readonly errorType: string; readonly reason: string }
  | { readonly kind: "retry"; readonly code: string };

export interface BulkWriteOptions {
  /** The caller's policy; one-off callers without one get `RETRY_WITHOUT_BREAKER`. */
  readonly policy?: Pick<ElasticsearchPolicy, "execute"> | undefined;
  /** Stop retrying (shutdown): what is not written comes back as `retry`. */
  readonly signal?: AbortSignal | undefined;
  /** Elasticsearch's `refresh` for the request (tests and commands that read their writes back). */
  readonly refresh?: boolean | "wait_for";
  /** Each bulk request's duration and whether every item was settled. */
  readonly onRequest?: (result: "ok" | "partial" | "failed", seconds: number) => void;
}

const OK: BulkWriteOutcome = { kind: "ok" };
const SUPERSEDED: BulkWriteOutcome = { kind: "superseded" };

export async function bulkWrite(
  es: Client,
  operations: readonly BulkWriteOperation[],
  options: BulkWriteOptions = {},
): Promise<BulkWriteOutcome[]> {
  const lines = operations.map(serialize);
  const outcomes: BulkWriteOutcome[] = new Array(lines.length);
  let pending = lines.map((_, i) => i);
  if (pending.length === 0) return outcomes;

  const attempt = async (): Promise<void> => {
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    let items;
    try {
      // Bytes are sent as they are: the transport serializes only objects (hence the cast).
      const body = Buffer.concat(pending.map((i) => lines[i]!));
      ({ items = [] } = await es.bulk({ operations: body as never, filter_path: BULK_RESPONSE_FILTER, ...(options.refresh !== undefined ? { refresh: options.refresh } : {}) }));
    } catch (error) {
      options.onRequest?.("failed", seconds());
      throw error;
    }
    const retryable: number[] = [];
    let code = "";
    items.forEach((item, position) => {
      const i = pending[position]!;
      const outcome = classifyBulkItem(bulkItemResult(item));
      if (outcome.kind === "retryable") {
        retryable.push(i);
        code ||= outcome.errorType;
      } else outcomes[i] = outcome.kind === "ok" ? OK : outcome.kind === "superseded" ? SUPERSEDED : outcome;
    });
    // A response that does not account for every item: resend the ones it skipped.
    for (const i of pending.slice(items.length)) retryable.push(i);
    if (items.length < pending.length) code ||= "missing_items";
    pending = retryable;
    options.onRequest?.(retryable.length === 0 ? "ok" : "partial", seconds());
    if (retryable.length > 0) throw new RetryableItemsError(code, retryable.length);
  };

  try {
    await (options.policy ?? RETRY_WITHOUT_BREAKER).execute(attempt, options.signal);
  } catch (error) {
    if (!isRetryableElasticsearchError(error) && !isBrokenCircuit(error)) throw error;
    const retry: BulkWriteOutcome = { kind: "retry", code: isBrokenCircuit(error) ? "circuit_open" : elasticsearchErrorCode(error) };
    for (const i of pending) outcomes[i] = retry;
  }
  return outcomes;
}

function serialize(operation: BulkWriteOperation): Uint8Array {
  if (operation instanceof Uint8Array) return operation;
  const source = operation.document === undefined ? "" : `${JSON.stringify(operation.document)}\n`;
  return Buffer.from(`${JSON.stringify(operation.action)}\n${source}`);
}
