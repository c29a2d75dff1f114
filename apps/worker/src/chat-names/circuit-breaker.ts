/**
 * Keeps a Periskope outage from stalling the pipeline (design §3.4). Each lookup already retried
 * inside the client; when `failureThreshold` lookups in a row still failed, the circuit opens and
 * lookups fail fast for `cooldownMs` (their messages are indexed unresolved and filled later). Then
 * one probe is let through (half-open): success closes the circuit, failure opens it again.
 *
 * Only retryable failures count: a 401 or a malformed answer is not an outage, and a chat the API
 * does not know is an answer, not a failure.
 *
 * @example
 * const breaker = new CircuitBreaker({ failureThreshold: 5, cooldownMs: 30_000 });
 * if (!breaker.tryAcquire()) return unavailable();
 * try { const chat = await getChat(id); breaker.succeeded(); } catch (e) { breaker.failed(); }
 */
export type CircuitState = "closed" | "half-open" | "open";

export interface CircuitBreakerOptions {
  readonly failureThreshold: number;
  readonly cooldownMs: number;
  readonly now?: () => number;
  readonly onStateChange?: (state: CircuitState) => void;
}

export class CircuitBreaker {
  private state: CircuitState = "closed";
  private failures = 0;
  private openedAt = 0;
  private probeInFlight = false;
  private readonly options: CircuitBreakerOptions;
  private readonly now: () => number;

  constructor(options: CircuitBreakerOptions) {
    this.options = options;
    this.now = options.now ?? Date.now;
  }

  get current(): CircuitState {
    if (this.state === "open" && this.now() - this.openedAt >= this.options.cooldownMs) return "half-open";
    return this.state;
  }

  /** Whether a call may go out now. In half-open state only one probe at a time is allowed. */
  tryAcquire(): boolean {
    const state = this.current;
    if (state === "closed") return true;
    if (state === "open" || this.probeInFlight) return false;
    this.transition("half-open");
    this.probeInFlight = true;
    return true;
  }

  succeeded(): void {
    this.failures = 0;
    this.probeInFlight = false;
    if (this.state !== "closed") this.transition("closed");
  }

  failed(): void {
    this.probeInFlight = false;
    this.failures++;
    if (this.state === "half-open" || this.failures >= this.options.failureThreshold) {
      this.openedAt = this.now();
      this.transition("open");
    }
  }

  /** A call that ended without telling us anything about the API's health (e.g. aborted). */
  released(): void {
    this.probeInFlight = false;
  }

  private transition(state: CircuitState): void {
    if (this.state === state) return;
    this.state = state;
    this.options.onStateChange?.(state);
  }
}
