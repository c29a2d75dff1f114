/**
 * Client-wide pause shared by every call of one client.
 *
 * When one call learns the server wants a pause (a 429 with a wait hint, or
 * `X-RateLimit-Remaining: 0` with a reset), the other calls in flight through the same client
 * should not keep hitting the limit either: the reference recommends throttling ahead of time
 * when Remaining reaches 0 (§4). Each attempt waits until `notBefore` first.
 */
import { serverAdvisedDelayMs } from "./retry-after.ts";

export class RateLimitGate {
  private notBefore = 0;
  private readonly maxPauseMs: number;

  constructor(maxPauseMs: number) {
    this.maxPauseMs = maxPauseMs;
  }

  /** Learn from a response's status and headers. */
  observe(status: number, headers: Headers, nowMs: number): void {
    const exhausted = status === 429 || headers.get("x-ratelimit-remaining")?.trim() === "0";
    if (!exhausted) return;
    const advised = serverAdvisedDelayMs(headers, nowMs);
    if (advised === undefined) return;
    this.notBefore = Math.max(this.notBefore, nowMs + Math.min(advised, this.maxPauseMs));
  }

  /** How long an attempt starting now has to wait. */
  waitMs(nowMs: number): number {
    return Math.max(0, this.notBefore - nowMs);
  }
}
