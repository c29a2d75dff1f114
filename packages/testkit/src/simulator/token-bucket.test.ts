import { describe, expect, it } from "vitest";
import { TokenBucket } from "./token-bucket.ts";

const t0 = 1_750_000_000_000;

describe("TokenBucket", () => {
  it("allows a burst up to capacity, then refuses", () => {
    const bucket = new TokenBucket(3, 1, t0);
    expect([1, 2, 3].map(() => bucket.take(t0).allowed)).toEqual([true, true, true]);
    const refused = bucket.take(t0);
    expect(refused).toMatchObject({ allowed: false, limit: 3, remaining: 0 });
    expect(refused.retryAfterMs).toBe(1000);
  });

  it("refills over time", () => {
    const bucket = new TokenBucket(2, 10, t0);
    bucket.take(t0);
    bucket.take(t0);
    expect(bucket.take(t0).allowed).toBe(false);
    expect(bucket.take(t0 + 100).allowed).toBe(true);
  });

  it("reports when it will be full again in epoch seconds", () => {
    const bucket = new TokenBucket(10, 1, t0);
    const state = bucket.take(t0);
    expect(state.remaining).toBe(9);
    expect(state.resetEpochSeconds).toBe(Math.ceil((t0 + 1000) / 1000));
  });
});
