/**
 * What an error or a field may show in a log line. Logs leave the system (log aggregation, support
 * tickets), so they carry neither message data nor credentials:
 *
 * - Elasticsearch client errors keep a reference to the request (`meta.meta.request.params.body`:
 *   a bulk body is message text) and build their message from the server's reasons (a mapping
 *   error quotes the field's value). They are logged as name, HTTP status and error type only.
 * - Any other error is logged by an allow-list (name, message, code, status, retryable, stack,
 *   cause), never by copying its own fields (a `PeriskopeApiError` carries the response `body`).
 * - Userinfo is removed from every URL in a logged string (`https://user:secret@host` →
 *   `https://host`): a URL setting may embed its credentials.
 */

/** The error classes of `@elastic/transport`, whose messages and `meta` can hold document data. */
const ELASTICSEARCH_ERRORS = new Set([
  "ResponseError",
  "ConnectionError",
  "TimeoutError",
  "NoLivingConnectionsError",
  "SerializationError",
  "DeserializationError",
  "RequestAbortedError",
  "ProductNotSupportedError",
  "ConfigurationError",
]);

/** Elasticsearch errors raised before any response, whose messages are the transport's own words. */
const TRANSPORT_MESSAGE_ERRORS = new Set(["ConnectionError", "TimeoutError", "NoLivingConnectionsError", "RequestAbortedError"]);

const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]*@/gi;
const MAX_CAUSE_DEPTH = 3;

/** `text` with the userinfo of every URL in it removed. */
export function stripUrlCredentials(text: string): string {
  return text.includes("://") ? text.replace(URL_USERINFO, "$1") : text;
}

export type SerializedError = Record<string, unknown>;

/** The pino `err` serializer: see the module comment for what is kept. */
export function serializeError(error: unknown, depth = 0): SerializedError | unknown {
  if (!(error instanceof Error)) return typeof error === "string" ? stripUrlCredentials(error) : error;
  const fields = error as Error & { code?: unknown; status?: unknown; statusCode?: unknown; retryable?: unknown; meta?: { statusCode?: unknown; body?: unknown } };
  if (ELASTICSEARCH_ERRORS.has(error.name) && "meta" in error) {
    const errorType = (fields.meta?.body as { error?: { type?: unknown } } | undefined)?.error?.type;
    return {
      type: error.name,
      ...(typeof fields.meta?.statusCode === "number" ? { status: fields.meta.statusCode } : {}),
      ...(typeof errorType === "string" ? { error_type: errorType } : {}),
      ...(TRANSPORT_MESSAGE_ERRORS.has(error.name) ? { message: stripUrlCredentials(error.message) } : {}),
    };
  }
  const out: SerializedError = { type: error.name, message: stripUrlCredentials(error.message) };
  if (typeof fields.code === "string" || typeof fields.code === "number") out.code = fields.code;
  const status = fields.status ?? fields.statusCode;
  if (typeof status === "number") out.status = status;
  if (typeof fields.retryable === "boolean") out.retryable = fields.retryable;
  if (error.stack) out.stack = stripUrlCredentials(error.stack);
  if (error.cause !== undefined && depth < MAX_CAUSE_DEPTH) out.cause = serializeError(error.cause, depth + 1);
  return out;
}

/**
 * A log line's fields with URL credentials removed from every string (plain objects and arrays are
 * copied as far as needed; errors are left to `serializeError`). For pino's `formatters.log`.
 */
export function stripCredentialsDeep(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return stripUrlCredentials(value);
  if (depth > 5 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((item) => stripCredentialsDeep(item, depth + 1));
  if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = stripCredentialsDeep(item, depth + 1);
  return out;
}
