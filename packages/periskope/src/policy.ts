/**
 * The Periskope API's resilience policy, declared once per client with cockatiel (STYLE #13):
 *
 *     breaker( retry( shared pause → timeout( one HTTP attempt ) ) )
 *
 * - Each attempt has its own timeout; the whole call has a wall-clock budget (attempts + waits).
 * - Retried: what `errors.ts` classifies `retryable` (network, timeout, 408, 429, 5xx), with
 *   exponential backoff and full jitter, up to `maxAttempts` attempts.
 * - The server's own waits (`Retry-After`, `X-RateLimit-Reset` on a 429, `Remaining: 0`) go into a
 *   pause shared by every call of the client: one 429 slows every caller, not only the one that saw
 *   it. A pause that outlasts a call's budget fails that call at once, carrying the advised wait.
 * - The breaker counts calls that failed retryably after their retries; a 4xx, a malformed answer
 *   or an abort is not an outage. While it is open, calls fail at once with `CIRCUIT_OPEN`.
 *
 * @example
 * const policy = new PeriskopePolicy({ ...DEFAULT_RETRY_POLICY, timeoutMs: 30_000, breaker: DEFAULT_BREAKER });
 * const response = await policy.execute("getChat", signal, (attemptSignal, n) => attempt(...));
 */
import { setTimeout as sleep } from "node:timers/promises";
import {
  BrokenCircuitError,
  circuitBreaker,
  ConsecutiveBreaker,
  CircuitState,
  ExponentialBackoff,
  fullJitterGenerator,
  handleWhen,
  retry,
  timeout,
  TimeoutStrategy,
  type CircuitBreakerPolicy,
  type RetryPolicy as CockatielRetry,
  type TimeoutPolicy,
} from "cockatiel";
import { CLIENT_ERROR_CODES, isRetryable, PeriskopeApiError } from "./errors.ts";
import { RateLimitGate } from "./rate-limit-gate.ts";

export interface RetryPolicy {
  /** HTTP attempts per call, including the first. */
  maxAttempts: number;
  /** Wall-clock budget per call, covering attempts and waits. */
  budgetMs: number;
  /** First backoff ceiling; doubles per attempt (full jitter: a uniform wait below it). */
  baseDelayMs: number;
  /** Ceiling of the computed exponential backoff. */
  maxDelayMs: number;
  /** Ceiling on a server-advised wait (Retry-After / X-RateLimit-Reset). */
  maxServerDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 5,
  budgetMs: 60_000,
  baseDelayMs: 250,
  maxDelayMs: 10_000,
  // The reference recommends capping server-advised waits at about a minute (§4).
  maxServerDelayMs: 60_000,
};

export interface BreakerSettings {
  /** Consecutive calls that failed retryably (after their retries) that open the circuit. */
  failures: number;
  /** How long the circuit stays open before one call is let through to probe. */
  cooldownMs: number;
}

export const DEFAULT_BREAKER: BreakerSettings = { failures: 5, cooldownMs: 30_000 };

export type CircuitStateName = "closed" | "open" | "half-open";

export interface PolicySettings extends RetryPolicy {
  timeoutMs: number;
  breaker: BreakerSettings;
}

/** One attempt: `signal` fires on the attempt's timeout, the call's budget or the caller's abort. */
export type AttemptFn<T> = (signal: AbortSignal, attempt: number) => Promise<T>;

export class PeriskopePolicy {
  private readonly settings: PolicySettings;
  private readonly pause: RateLimitGate;
  private readonly breaker: CircuitBreakerPolicy;
  private readonly retry: CockatielRetry;
  private readonly timeout: TimeoutPolicy;

  constructor(settings: PolicySettings) {
    this.settings = settings;
    this.pause = new RateLimitGate(settings.maxServerDelayMs);
    const retryable = handleWhen(isRetryable);
    this.breaker = circuitBreaker(retryable, { halfOpenAfter: settings.breaker.cooldownMs, breaker: new ConsecutiveBreaker(settings.breaker.failures) });
    this.retry = retry(retryable, {
      maxAttempts: settings.maxAttempts - 1,
      // Spreading retries over the whole window keeps workers that failed together from retrying together.
      backoff: new ExponentialBackoff({ generator: fullJitterGenerator, initialDelay: settings.baseDelayMs, maxDelay: settings.maxDelayMs }),
    });
    // Cooperative: the attempt's fetch is aborted, and the attempt itself says it timed out.
    this.timeout = timeout(settings.timeoutMs, TimeoutStrategy.Cooperative);
  }

  /** The shared pause, told by each response what the server asked for. */
  get rateLimit(): RateLimitGate {
    return this.pause;
  }

  onCircuitStateChange(listener: (state: CircuitStateName) => void): { dispose(): void } {
    return this.breaker.onStateChange((state) => listener(stateName(state)));
  }

  async execute<T>(operation: string, callerSignal: AbortSignal | undefined, attempt: AttemptFn<T>): Promise<T> {
    const deadline = Date.now() + this.settings.budgetMs;
    // Fires when the caller aborts, the budget is spent, or a pause outlasts the budget: cockatiel's
    // retry stops on it and the attempt's timeout derives from it.
    const giveUp = new AbortController();
    const signal = AbortSignal.any([giveUp.signal, AbortSignal.timeout(this.settings.budgetMs), ...(callerSignal ? [callerSignal] : [])]);
    let last: PeriskopeApiError | undefined;
    const once = async (n: number): Promise<T> => {
      await this.waitForPause(operation, { signal, callerSignal, deadline, giveUp, last });
      try {
        return await this.timeout.execute(({ signal: attemptSignal }) => attempt(attemptSignal, n), signal);
      } catch (error) {
        if (!(error instanceof PeriskopeApiError)) throw error;
        last = error.withAttempts(n);
        if (last.retryAfterMs !== undefined) this.pause.hold(last.retryAfterMs, Date.now());
        throw last;
      }
    };
    try {
      return await this.breaker.execute(() => this.retry.execute(({ attempt: retries }) => once(retries + 1), signal));
    } catch (error) {
      if (error instanceof BrokenCircuitError) {
        throw new PeriskopeApiError({ code: CLIENT_ERROR_CODES.circuitOpen, message: `Periskope ${operation}: circuit open after repeated failures`, retryable: true, operation, attempts: 0 });
      }
      throw error;
    }
  }

  /**
   * Waits out the shared pause. Also where a call that cockatiel's backoff (not abortable) let
   * sleep past its abort or budget ends: with the caller's abort, or with the last attempt's error.
   */
  private async waitForPause(operation: string, call: CallState): Promise<void> {
    const { signal, callerSignal, deadline, giveUp, last } = call;
    const aborted = () => new PeriskopeApiError({ code: CLIENT_ERROR_CODES.aborted, message: `Periskope ${operation}: aborted`, retryable: false, operation, attempts: last?.attempts ?? 0 });
    const rateLimited = (wait: number) =>
      new PeriskopeApiError({
        code: CLIENT_ERROR_CODES.rateLimited,
        message: `Periskope ${operation}: rate limited for ${wait} ms, beyond the call's retry budget`,
        retryable: true,
        retryAfterMs: wait,
        operation,
        attempts: 0,
      });
    if (callerSignal?.aborted) throw aborted();
    if (signal.aborted && last) throw last;
    const wait = this.pause.waitMs(Date.now());
    if (wait === 0) return;
    if (Date.now() + wait >= deadline) {
      giveUp.abort();
      throw last ?? rateLimited(wait);
    }
    try {
      await sleep(wait, undefined, { signal });
    } catch {
      if (callerSignal?.aborted) throw aborted();
      throw last ?? rateLimited(wait);
    }
  }
}

interface CallState {
  signal: AbortSignal;
  callerSignal: AbortSignal | undefined;
  deadline: number;
  giveUp: AbortController;
  last: PeriskopeApiError | undefined;
}

function stateName(state: CircuitState): CircuitStateName {
  if (state === CircuitState.Closed) return "closed";
  if (state === CircuitState.HalfOpen) return "half-open";
  return "open";
}
