/**
 * One client call: HTTP attempts run through the client's resilience policy (`policy.ts`), each
 * reported to the client's `onAttempt` and the call's own, so the worker counts API calls by status
 * without wrapping the client.
 */
import { attempt, type ApiResponse, type AttemptRequest } from "./attempt.ts";
import type { PeriskopePolicy } from "./policy.ts";

/** What happened in one HTTP attempt; `outcome` is the status as text or a client error code. */
export interface AttemptEvent {
  operation: string;
  /** 1-based attempt number within the call. */
  attempt: number;
  status: number | undefined;
  /** `"200"`, `"404"`, `"429"`, … or `NETWORK_ERROR`, `TIMEOUT`, `ABORTED`, `MALFORMED_RESPONSE`. */
  outcome: string;
  durationMs: number;
  traceId: string | undefined;
}

export type AttemptListener = (event: AttemptEvent) => void;

export interface SendContext {
  policy: PeriskopePolicy;
  /** The client's listener and the call's, in that order. */
  listeners: readonly (AttemptListener | undefined)[];
}

export function send(request: AttemptRequest, ctx: SendContext): Promise<ApiResponse> {
  return ctx.policy.execute(request.operation, request.signal, async (signal, n) => {
    const started = performance.now();
    const result = await attempt(request, signal);
    const durationMs = performance.now() - started;
    const status = result.ok ? result.response.status : result.status;
    const outcome = result.ok ? String(status) : status === undefined ? result.error.code : String(status);
    report(ctx, { operation: request.operation, attempt: n, status, outcome, durationMs, traceId: result.ok ? result.response.traceId : result.error.traceId });
    if (!result.ok) throw result.error;
    ctx.policy.rateLimit.observe(result.response.headers, Date.now());
    return result.response;
  });
}

function report(ctx: SendContext, event: AttemptEvent): void {
  for (const listener of ctx.listeners) {
    try {
      listener?.(event);
    } catch {
      // A metrics hook is an observer: its failure must never fail or retry an API call.
    }
  }
}
