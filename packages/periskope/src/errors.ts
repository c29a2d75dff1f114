/**
 * The one error type every Periskope API failure becomes, classified once, here.
 *
 * Callers branch on `retryable` (the client's retry and breaker in `policy.ts` do, through
 * `isRetryable`) and log `code` plus `traceId`. `code` is the API's own body
 * `code` when it sent one (`UNAUTHORIZED_ERROR`, `VALIDATION_ERROR`, …), otherwise one of the
 * client-side codes below, so metrics and logs keep a low-cardinality vocabulary.
 *
 * @example
 * ```ts
 * try { await client.getChat(id); }
 * catch (err) {
 *   if (err instanceof PeriskopeApiError && err.retryable) nackLater(err.retryAfterMs);
 *   else throw err;
 * }
 * ```
 */
export const CLIENT_ERROR_CODES = {
  /** Connection refused, reset or dropped before a full response arrived. */
  network: "NETWORK_ERROR",
  /** The per-attempt timeout fired. */
  timeout: "TIMEOUT",
  /** The caller's AbortSignal fired; never retried. */
  aborted: "ABORTED",
  /** The client-wide rate-limit pause outlasts this call's retry budget; retry later. */
  rateLimited: "RATE_LIMITED",
  /** The client's circuit breaker is open after repeated retryable failures; retry later. */
  circuitOpen: "CIRCUIT_OPEN",
  /** A 2xx whose body is not the documented shape (not JSON, wrong field types). */
  malformed: "MALFORMED_RESPONSE",
  /** Rejected before sending (e.g. limit above 2000): a programming error, never retried. */
  invalidRequest: "INVALID_REQUEST",
} as const;

export interface PeriskopeApiErrorInit {
  code: string;
  message: string;
  /** HTTP status, absent when no response arrived (network error, timeout, abort). */
  status?: number | undefined;
  retryable: boolean;
  /** Server-advised wait (Retry-After / X-RateLimit-Reset) before trying again, if any. */
  retryAfterMs?: number | undefined;
  /** `x-periskope-trace-id` of the failing response; quote it when reporting to Periskope. */
  traceId?: string | undefined;
  /** Which client operation failed, e.g. `getChat`. */
  operation: string;
  /** How many HTTP attempts were made before giving up. */
  attempts?: number | undefined;
  /** The parsed error body, for diagnostics (e.g. `fields` of a 422). */
  body?: unknown;
  cause?: unknown;
}

export class PeriskopeApiError extends Error {
  override readonly name = "PeriskopeApiError";
  readonly code: string;
  readonly status: number | undefined;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly traceId: string | undefined;
  readonly operation: string;
  readonly attempts: number;
  readonly body: unknown;

  constructor(init: PeriskopeApiErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = init.code;
    this.status = init.status;
    this.retryable = init.retryable;
    this.retryAfterMs = init.retryAfterMs;
    this.traceId = init.traceId;
    this.operation = init.operation;
    this.attempts = init.attempts ?? 1;
    this.body = init.body;
  }

  /** A copy that records how many attempts the whole call took. */
  withAttempts(attempts: number): PeriskopeApiError {
    return new PeriskopeApiError({ ...this.toInit(), attempts });
  }

  /** Structured fields for a log line; never contains the API key. */
  toLogFields(): Record<string, unknown> {
    return {
      code: this.code,
      status: this.status,
      retryable: this.retryable,
      retry_after_ms: this.retryAfterMs,
      trace_id: this.traceId,
      operation: this.operation,
      attempts: this.attempts,
    };
  }

  private toInit(): PeriskopeApiErrorInit {
    return {
      code: this.code,
      message: this.message,
      status: this.status,
      retryable: this.retryable,
      retryAfterMs: this.retryAfterMs,
      traceId: this.traceId,
      operation: this.operation,
      attempts: this.attempts,
      body: this.body,
      cause: this.cause,
    };
  }
}

/** What the client's retry and breaker branch on: a classified error that is worth trying again. */
export function isRetryable(error: unknown): boolean {
  return error instanceof PeriskopeApiError && error.retryable;
}

/**
 * Whether an HTTP status is worth trying again. 429 and 5xx are transient by definition; 408 is
 * the server giving up on a slow request. Every other 4xx will fail the same way next time.
 */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}
