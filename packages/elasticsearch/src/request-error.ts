/**
 * Which failed Elasticsearch requests are worth retrying, classified once for every caller (the
 * retry policy and the breaker branch on it): the cluster is unreachable, timed out, overloaded
 * (429) or failing (5xx), or a bulk answered with items that are (`RetryableItemsError`). Anything
 * else (a 400 for a bad request, a 403, a 404 for a missing index that templates should have
 * created) will fail the same way next time.
 *
 * Checked by name and status rather than `instanceof`, so it holds across client copies.
 */
const RETRYABLE_ERROR_NAMES = new Set(["ConnectionError", "TimeoutError", "NoLivingConnectionsError", "RequestAbortedError", "RetryableItemsError", "ClusterNotReadyError"]);

export function isRetryableElasticsearchError(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const { name, meta } = error as { name?: string; meta?: { statusCode?: number } };
  if (name !== undefined && RETRYABLE_ERROR_NAMES.has(name)) return true;
  const status = meta?.statusCode;
  return name === "ResponseError" && status !== undefined && (status === 429 || status >= 500);
}

/** A short, low-cardinality code for logs, metrics and outcomes: never the request or its body. */
export function elasticsearchErrorCode(error: unknown): string {
  if (typeof error !== "object" || error === null) return "unknown_error";
  const { name, meta, code } = error as { name?: string; meta?: { statusCode?: number }; code?: unknown };
  if (name === "ResponseError" && meta?.statusCode !== undefined) return `http_${meta.statusCode}`;
  if (typeof code === "string" && (name === "RetryableItemsError" || name === "ClusterNotReadyError")) return code;
  return name ?? "unknown_error";
}

/** A bulk response left items retryable (429/5xx per item): retried like a failed request. */
export class RetryableItemsError extends Error {
  override readonly name = "RetryableItemsError";
  /** The first retryable item's error type, e.g. `es_rejected_execution_exception`. */
  readonly code: string;

  constructor(code: string, count: number) {
    super(`${count} bulk items failed transiently (${code})`);
    this.code = code;
  }
}

/** The health probe answered, but the cluster is not yet yellow (shards still recovering). */
export class ClusterNotReadyError extends Error {
  override readonly name = "ClusterNotReadyError";
  readonly code = "cluster_not_ready";
}
