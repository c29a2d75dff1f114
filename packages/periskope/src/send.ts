/**
 * One client call: attempts with retries, bounded by attempts and by a time budget, abortable.
 *
 * Retries happen only for errors classified `retryable` (network, timeout, 408, 429, 5xx); a
 * caller's abort, a 4xx and a malformed 2xx fail at once. Every attempt is reported to
 * `onAttempt`, so the worker can count API calls by status without wrapping the client.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { attempt, type ApiResponse, type AttemptRequest } from "./attempt.ts";
import { CLIENT_ERROR_CODES, PeriskopeApiError } from "./errors.ts";
import type { RateLimitGate } from "./rate-limit-gate.ts";
import { retryDelayMs, type RetryPolicy } from "./retry-policy.ts";

/** What happened in one HTTP attempt; `outcome` is the status as text or a client error code. */
export interface AttemptEvent {
  operation: string;
  /** 1-based attempt number within the call. */
  attempt: number;
  status: number | undefined;
  /** `"200"`, `"404"`, `"429"`, … or `NETWORK_ERROR`, `TIMEOUT`, `ABORTED`, `MALFORMED_RESPONSE`. */
  outcome: string;
  durationMs: number;
  /** Whether the client will try again after this attempt. */
  willRetry: boolean;
  /** Wait before the next attempt, when there is one. */
  delayMs: number | undefined;
  traceId: string | undefined;
}

export type AttemptListener = (event: AttemptEvent) => void;

export interface SendContext {
  policy: RetryPolicy;
  timeoutMs: number;
  gate: RateLimitGate;
  random: () => number;
  onAttempt: AttemptListener | undefined;
}

export async function send(request: Omit<AttemptRequest, "timeoutMs">, ctx: SendContext): Promise<ApiResponse> {
  const deadline = Date.now() + ctx.policy.budgetMs;
  for (let n = 1; ; n++) {
    await waitForGate(request, ctx, deadline, n - 1);
    const started = performance.now();
    const timeoutMs = Math.max(1, Math.min(ctx.timeoutMs, deadline - Date.now()));
    const result = await attempt({ ...request, timeoutMs });
    const durationMs = performance.now() - started;
    if (result.ok) {
      ctx.gate.observe(result.response.status, result.response.headers, Date.now());
      report(ctx, { operation: request.operation, attempt: n, status: result.response.status, outcome: String(result.response.status), durationMs, willRetry: false, delayMs: undefined, traceId: result.response.traceId });
      return result.response;
    }

    if (result.headers && result.status !== undefined) ctx.gate.observe(result.status, result.headers, Date.now());
    const error = result.error;
    const delayMs = error.retryable ? retryDelayMs(n, error.retryAfterMs, ctx.policy, ctx.random) : undefined;
    const willRetry = delayMs !== undefined && n < ctx.policy.maxAttempts && Date.now() + delayMs < deadline;
    report(ctx, { operation: request.operation, attempt: n, status: result.status, outcome: result.status === undefined ? error.code : String(result.status), durationMs, willRetry, delayMs: willRetry ? delayMs : undefined, traceId: error.traceId });
    if (!willRetry) throw error.withAttempts(n);
    await pause(delayMs, request, n);
  }
}

async function waitForGate(request: Omit<AttemptRequest, "timeoutMs">, ctx: SendContext, deadline: number, attemptsSoFar: number): Promise<void> {
  const wait = ctx.gate.waitMs(Date.now());
  if (wait === 0) return;
  if (Date.now() + wait >= deadline) {
    throw new PeriskopeApiError({
      code: CLIENT_ERROR_CODES.rateLimited,
      message: `Periskope ${request.operation}: rate limited for ${wait} ms, beyond the call's retry budget`,
      retryable: true,
      retryAfterMs: wait,
      operation: request.operation,
      attempts: attemptsSoFar,
    });
  }
  await pause(wait, request, attemptsSoFar);
}

async function pause(ms: number, request: Omit<AttemptRequest, "timeoutMs">, attempts: number): Promise<void> {
  try {
    await sleep(ms, undefined, request.signal ? { signal: request.signal } : undefined);
  } catch (cause) {
    throw new PeriskopeApiError({
      code: CLIENT_ERROR_CODES.aborted,
      message: `Periskope ${request.operation}: aborted`,
      retryable: false,
      operation: request.operation,
      attempts,
      cause,
    });
  }
}

function report(ctx: SendContext, event: AttemptEvent): void {
  if (!ctx.onAttempt) return;
  try {
    ctx.onAttempt(event);
  } catch {
    // A metrics hook is an observer: its failure must never fail or retry an API call.
  }
}
