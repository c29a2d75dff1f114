/**
 * Which Elasticsearch request failures are worth retrying: the cluster is unreachable, timed out,
 * overloaded (429) or failing (5xx). Anything else (a 400 for a bad request, a 403, a 404 for a
 * missing index that templates should have created) will fail the same way next time.
 *
 * Checked by name and status rather than `instanceof`, so it holds across client copies.
 */
const TRANSIENT_ERROR_NAMES = new Set(["ConnectionError", "TimeoutError", "NoLivingConnectionsError", "RequestAbortedError"]);

export function isTransientElasticsearchError(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const { name, meta } = error as { name?: string; meta?: { statusCode?: number } };
  if (name !== undefined && TRANSIENT_ERROR_NAMES.has(name)) return true;
  const status = meta?.statusCode;
  return name === "ResponseError" && status !== undefined && (status === 429 || status >= 500);
}

/** A short, low-cardinality code for logs and dead-letter records. */
export function elasticsearchErrorCode(error: unknown): string {
  if (typeof error !== "object" || error === null) return "unknown_error";
  const { name, meta } = error as { name?: string; meta?: { statusCode?: number } };
  if (name === "ResponseError" && meta?.statusCode !== undefined) return `http_${meta.statusCode}`;
  return name ?? "unknown_error";
}
