/**
 * Classifies one bulk response item, once, for every writer (worker sink, cache writes, commands):
 * what the caller branches on is `kind`.
 *
 * - `ok`: written.
 * - `superseded`: a 409 version conflict under `external_gte` — the index already holds a newer (or
 *   equal) version of this document, so the write is done as far as the caller is concerned.
 * - `retryable`: 429 (back-pressure) or 5xx/unavailable — try again later, nothing is wrong with the document.
 * - `rejected`: any other 4xx (mapping/parse errors) — retrying cannot help; dead-letter it with the reason.
 */

export type BulkItemOutcome =
  | { readonly kind: "ok" }
  | { readonly kind: "superseded" }
  | { readonly kind: "retryable"; readonly status: number; readonly errorType: string; readonly reason: string }
  | { readonly kind: "rejected"; readonly status: number; readonly errorType: string; readonly reason: string };

export interface BulkItemResult {
  readonly status: number;
  readonly error?: { readonly type?: string; readonly reason?: string | null; readonly caused_by?: { readonly reason?: string | null } } | undefined;
}

export function classifyBulkItem(item: BulkItemResult): BulkItemOutcome {
  const { status, error } = item;
  if (status >= 200 && status < 300 && !error) return { kind: "ok" };
  const errorType = error?.type ?? `http_${status}`;
  const reason = [error?.reason, error?.caused_by?.reason].filter(Boolean).join(": ") || `status ${status}`;
  if (status === 409 && errorType === "version_conflict_engine_exception") return { kind: "superseded" };
  if (status === 429 || status >= 500 || status === 0) return { kind: "retryable", status, errorType, reason };
  return { kind: "rejected", status, errorType, reason };
}

/** The first (only) action result of a bulk response item, whatever the action was. */
export function bulkItemResult(item: Partial<Record<string, BulkItemResult>>): BulkItemResult {
  const result = item.index ?? item.create ?? item.update ?? item.delete;
  return result ?? { status: 0, error: { type: "missing_item", reason: "bulk response item has no action result" } };
}
