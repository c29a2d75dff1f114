/**
 * Client-wide pause shared by every call of one client.
 *
 * When one call learns the server wants a pause (a failed attempt's `Retry-After` or, on a 429,
 * `X-RateLimit-Reset`; or `X-RateLimit-Remaining: 0` with a reset on a success), the other calls
 * through the same client should not keep hitting the limit either: the reference recommends
 * throttling ahead of time when Remaining reaches 0 (§4). Each attempt waits until `notBefore` first.
 */
import { serverAdvisedDelayMs } from "./retry-after.ts";

export class RateLimitGate {
  private notBefore = 0;
  private readonly maxPauseMs: number;

  constructor(maxPauseMs: number) {
    this.maxPauseMs = maxPauseMs;
  }

  /** A failed attempt's server-advised wait (`PeriskopeApiError.retryAfterMs`), capped. */
  hold(waitMs: number, nowMs: number): void {
    this.notBefore = Math.max(this.notBefore, nowMs + Math.min(waitMs, this.maxPauseMs));
  }

  /** A successful response that used up the window pauses every call until the window resets. */
  observe(headers: Headers, nowMs: number): void {
    if (headers.get("x-ratelimit-remaining")?.trim() !== "0") return;
    const advised = serverAdvisedDelayMs(headers, nowMs);
    if (advised !== undefined) this.hold(advised, nowMs);
  }

  /** How long an attempt starting now has to wait. */
  waitMs(nowMs: number): number {
    return Math.max(0, this.notBefore - nowMs);
  }
}
