/**
 * One HTTP exchange with the API, turned into either a response or a classified error.
 *
 * The whole body is read inside the attempt's signal, so a connection that drops halfway through a
 * big `GET /chats` page, or a body that trickles past the timeout, is a failed attempt like any
 * other (the reference reports "remote end closed connection" during long pulls, §3).
 */
import { CLIENT_ERROR_CODES, isRetryableStatus, PeriskopeApiError } from "./errors.ts";
import { retryAfterMs, serverAdvisedDelayMs } from "./retry-after.ts";

export interface AttemptRequest {
  operation: string;
  url: string;
  headers: Record<string, string>;
  /** The caller's own signal: its abort is never retried. */
  signal?: AbortSignal | undefined;
  /** Non-2xx statuses handed back to the caller instead of failing (e.g. 404 for getChat). */
  passStatuses: readonly number[];
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON, or undefined for an empty body (or an unparsable pass-through body). */
  body: unknown;
  traceId: string | undefined;
}

export type AttemptResult =
  | { ok: true; response: ApiResponse }
  | { ok: false; error: PeriskopeApiError; status: number | undefined };

/** `signal` fires on the attempt's timeout or the call's budget, and on the caller's abort. */
export async function attempt(request: AttemptRequest, signal: AbortSignal): Promise<AttemptResult> {
  let response: Response;
  let text: string;
  try {
    response = await fetch(request.url, { headers: request.headers, signal });
    text = await response.text();
  } catch (cause) {
    return { ok: false, error: thrownToError(cause, request, signal), status: undefined };
  }

  const traceId = response.headers.get("x-periskope-trace-id") ?? undefined;
  const status = response.status;
  const passed = request.passStatuses.includes(status);
  if ((status >= 200 && status < 300) || passed) {
    const parsed = parseJson(text);
    if (parsed.ok || passed) {
      return { ok: true, response: { status, headers: response.headers, body: parsed.ok ? parsed.value : undefined, traceId } };
    }
    const error = new PeriskopeApiError({
      code: CLIENT_ERROR_CODES.malformed,
      message: `Periskope ${request.operation}: ${status} response body is not JSON`,
      status,
      retryable: false,
      traceId,
      operation: request.operation,
    });
    return { ok: false, error, status };
  }

  const parsed = parseJson(text);
  const body = parsed.ok ? parsed.value : undefined;
  const error = new PeriskopeApiError({
    code: bodyString(body, "code") ?? `HTTP_${status}`,
    message: `Periskope ${request.operation}: ${status} ${bodyString(body, "message") ?? response.statusText}`,
    status,
    retryable: isRetryableStatus(status),
    // X-RateLimit-Reset rides on every response and says when the window resets, which is a
    // wait hint only when the request was refused for the rate limit; Retry-After always is one.
    retryAfterMs: status === 429 ? serverAdvisedDelayMs(response.headers, Date.now()) : retryAfterMs(response.headers.get("retry-after"), Date.now()),
    traceId,
    operation: request.operation,
    body,
  });
  return { ok: false, error, status };
}

function thrownToError(cause: unknown, request: AttemptRequest, signal: AbortSignal): PeriskopeApiError {
  const base = { operation: request.operation, cause };
  // Check the caller's signal first: when both fire, the caller's intent wins and is never retried.
  if (request.signal?.aborted) {
    return new PeriskopeApiError({ ...base, code: CLIENT_ERROR_CODES.aborted, message: `Periskope ${request.operation}: aborted`, retryable: false });
  }
  if (signal.aborted) {
    return new PeriskopeApiError({
      ...base,
      code: CLIENT_ERROR_CODES.timeout,
      message: `Periskope ${request.operation}: no complete response within the attempt's timeout`,
      retryable: true,
    });
  }
  return new PeriskopeApiError({
    ...base,
    code: CLIENT_ERROR_CODES.network,
    message: `Periskope ${request.operation}: ${describeNetworkError(cause)}`,
    retryable: true,
  });
}

/** undici reports "fetch failed" and hides the useful part (ECONNRESET, "other side closed") in `cause`. */
function describeNetworkError(cause: unknown): string {
  if (!(cause instanceof Error)) return String(cause);
  const inner = cause.cause instanceof Error ? `: ${cause.cause.message}` : "";
  return `${cause.message}${inner}`;
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  if (text.trim() === "") return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

function bodyString(body: unknown, key: string): string | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const value = (body as Record<string, unknown>)[key];
  return typeof value === "string" && value !== "" ? value : undefined;
}
