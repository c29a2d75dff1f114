/**
 * A token bucket: `capacity` requests at once, refilled continuously at `refillPerSecond`.
 * It backs the `X-RateLimit-*` headers and, when enabled, real 429s.
 */
export interface TokenBucketState {
  allowed: boolean;
  limit: number;
  /** Whole tokens left after this request. */
  remaining: number;
  /** Epoch seconds at which the bucket is full again. */
  resetEpochSeconds: number;
  /** When refused: how long until one token is available. */
  retryAfterMs: number;
}

export class TokenBucket {
  private readonly capacity: number;
  private readonly refillPerMs: number;
  private tokens: number;
  private updatedAt: number;

  constructor(capacity: number, refillPerSecond: number, nowMs: number) {
    this.capacity = capacity;
    this.refillPerMs = refillPerSecond / 1000;
    this.tokens = capacity;
    this.updatedAt = nowMs;
  }

  take(nowMs: number): TokenBucketState {
    this.tokens = Math.min(this.capacity, this.tokens + (nowMs - this.updatedAt) * this.refillPerMs);
    this.updatedAt = nowMs;
    const allowed = this.tokens >= 1;
    if (allowed) this.tokens -= 1;
    const fullInMs = (this.capacity - this.tokens) / this.refillPerMs;
    return {
      allowed,
      limit: this.capacity,
      remaining: Math.floor(this.tokens),
      resetEpochSeconds: Math.ceil((nowMs + fullInMs) / 1000),
      retryAfterMs: allowed ? 0 : Math.ceil((1 - this.tokens) / this.refillPerMs),
    };
  }
}
