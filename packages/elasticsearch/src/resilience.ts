/**
 * The one resilience policy for Elasticsearch (STYLE habit 13), built with cockatiel:
 *
 * - **timeout**: each request is bounded by the client's `requestTimeout` (client.ts); the policy
 *   bounds a whole call, retries included, by `retryBudgetMs` (a cooperative timeout: a bulk request
 *   in flight is never abandoned half-applied, the retry loop just stops after it).
 * - **retry** with exponential backoff and jitter, only for what `isRetryableElasticsearchError`
 *   calls retryable (unreachable, timeouts, 429, 5xx, bulk items refused with those).
 * - **circuit breaker** that counts only those same failures: after `breakerFailures` in a row it
 *   opens, and calls fail fast with `BrokenCircuitError` (no request is sent). While open it probes
 *   `GET /_cluster/health` (the test distribution has no `GET /`) every `probeIntervalMs`; the
 *   first probe that finds the cluster at least yellow closes it.
 *
 * Callers that must not give up while Elasticsearch is away (the sink, the batch's cache read)
 * wait with `whenAvailable()`; the worker pauses pulling on `onStateChange("open")`.
 *
 * @example
 * const policy = createElasticsearchPolicy(es, { retryBudgetMs: 30_000, breakerFailures: 5, probeIntervalMs: 5_000 });
 * const names = await policy.execute(() => es.mget({ index, ids }));
 */
import type { Client } from "@elastic/elasticsearch";
import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  circuitBreaker,
  handleWhen,
  retry,
  timeout,
  TimeoutStrategy,
  wrap,
  type IPolicy,
} from "cockatiel";
import { ClusterNotReadyError, elasticsearchErrorCode, isRetryableElasticsearchError } from "./request-error.ts";

export type BreakerState = "closed" | "open" | "half-open";

export interface ElasticsearchPolicyOptions {
  /** How long one call's retryable failures are retried (ELASTICSEARCH_RETRY_BUDGET_MS). */
  readonly retryBudgetMs: number;
  /** Retryable failures in a row that open the breaker (ELASTICSEARCH_BREAKER_FAILURES). */
  readonly breakerFailures: number;
  /** While open: how often the cluster's health is probed (ELASTICSEARCH_BREAKER_PROBE_MS). */
  readonly probeIntervalMs: number;
  /** First backoff delay and its cap (jittered); defaults 200 ms and 5 s. */
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
}

export interface RetryEvent {
  readonly code: string;
  readonly attempt: number;
  readonly delayMs: number;
}

export interface ElasticsearchPolicy {
  /**
   * Runs `call` under the policy. Throws the last error when a retryable failure outlasts the
   * budget, a non-retryable error at once, and `BrokenCircuitError` while the breaker is open.
   */
  execute<T>(call: () => Promise<T>, signal?: AbortSignal): Promise<T>;
  /**
   * Like `execute`, but never gives up because Elasticsearch is unavailable: after the budget, or
   * while the breaker is open, it waits for the breaker to close and tries again. Throws only a
   * non-retryable error, or the last error once `signal` aborts. For callers holding messages.
   */
  persist<T>(call: () => Promise<T>, signal?: AbortSignal): Promise<T>;
  readonly state: BreakerState;
  /** Resolves when the breaker is closed (at once if it is); rejects when `signal` aborts. */
  whenAvailable(signal?: AbortSignal): Promise<void>;
  onStateChange(listener: (state: BreakerState) => void): void;
  onRetry(listener: (event: RetryEvent) => void): void;
  /** Stops probing (shutdown). */
  close(): void;
}

/** True for the breaker's fail-fast error: the call was not sent. */
export function isBrokenCircuit(error: unknown): boolean {
  return error instanceof BrokenCircuitError;
}

const retryable = handleWhen(isRetryableElasticsearchError);

function retries(options: Pick<ElasticsearchPolicyOptions, "baseDelayMs" | "maxDelayMs">) {
  return retry(retryable, {
    maxAttempts: Number.POSITIVE_INFINITY,
    backoff: new ExponentialBackoff({ initialDelay: options.baseDelayMs ?? 200, maxDelay: options.maxDelayMs ?? 5_000 }),
  });
}

/**
 * The same timeout and retry without a breaker, for one-off callers that hold no long-lived
 * policy (commands' writes, tools, tests): 30 s of retries, then the last error.
 */
export const RETRY_WITHOUT_BREAKER: Pick<ElasticsearchPolicy, "execute"> = (() => {
  const policy = wrap(timeout(30_000, TimeoutStrategy.Cooperative), retries({}));
  return { execute: (call, signal) => policy.execute(() => call(), signal) };
})();

export function createElasticsearchPolicy(es: Pick<Client, "cluster">, options: ElasticsearchPolicyOptions): ElasticsearchPolicy {
  const breaker = circuitBreaker(retryable, {
    halfOpenAfter: options.probeIntervalMs,
    breaker: new ConsecutiveBreaker(options.breakerFailures),
  });
  const retrying = retries(options);
  const policy: IPolicy = wrap(timeout(options.retryBudgetMs, TimeoutStrategy.Cooperative), retrying, breaker);

  const stateListeners: Array<(state: BreakerState) => void> = [];
  const retryListeners: Array<(event: RetryEvent) => void> = [];
  let waiters: Array<() => void> = [];
  let probe: NodeJS.Timeout | undefined;
  let closed = false;

  // The probe is the breaker's half-open trial: it goes through the breaker itself, so its answer
  // is what closes (or re-opens) it. Before `halfOpenAfter` the breaker refuses it without a request.
  const probeOnce = async (): Promise<void> => {
    await breaker
      .execute(async () => {
        const health = await es.cluster.health({ wait_for_status: "yellow", timeout: "1s" }, { ignore: [408], maxRetries: 0 });
        if (health.timed_out || health.status === "red") throw new ClusterNotReadyError("cluster is not yet yellow");
      })
      .catch(() => undefined);
  };
  const scheduleProbe = () => {
    if (closed || probe) return;
    probe = setTimeout(() => {
      probe = undefined;
      void probeOnce().finally(() => {
        if (breaker.state !== CircuitState.Closed) scheduleProbe();
      });
    }, options.probeIntervalMs);
    probe.unref();
  };

  breaker.onStateChange((state) => {
    const named = stateName(state);
    if (named === "open") scheduleProbe();
    if (named === "closed") {
      const ready = waiters;
      waiters = [];
      for (const wake of ready) wake();
    }
    for (const listener of stateListeners) listener(named);
  });
  retrying.onRetry((event) => {
    const code = "error" in event ? elasticsearchErrorCode(event.error) : "unexpected_result";
    for (const listener of retryListeners) listener({ code, attempt: event.attempt, delayMs: event.delay });
  });

  const whenAvailable = (signal?: AbortSignal): Promise<void> => {
    if (breaker.state === CircuitState.Closed) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const wake = () => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      };
      const onAbort = () => {
        waiters = waiters.filter((w) => w !== wake);
        reject(signal?.reason ?? new Error("aborted"));
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener("abort", onAbort, { once: true });
      waiters.push(wake);
    });
  };
  const execute = <T>(call: () => Promise<T>, signal?: AbortSignal): Promise<T> => policy.execute(() => call(), signal);

  return {
    execute,
    async persist(call, signal) {
      for (;;) {
        try {
          return await execute(call, signal);
        } catch (error) {
          if (signal?.aborted || !(isRetryableElasticsearchError(error) || isBrokenCircuit(error))) throw error;
          await whenAvailable(signal).catch(() => {
            throw error;
          });
        }
      }
    },
    whenAvailable,
    get state() {
      return stateName(breaker.state);
    },
    onStateChange: (listener) => void stateListeners.push(listener),
    onRetry: (listener) => void retryListeners.push(listener),
    close() {
      closed = true;
      clearTimeout(probe);
      probe = undefined;
    },
  };
}

function stateName(state: CircuitState): BreakerState {
  if (state === CircuitState.Closed) return "closed";
  if (state === CircuitState.HalfOpen) return "half-open";
  return "open";
}
