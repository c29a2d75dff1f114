import { describe, expect, it } from "vitest";
import { backoffDelayMs, DEFAULT_RETRY_POLICY, retryDelayMs } from "./retry-policy.ts";

const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1000, maxServerDelayMs: 5000 };

describe("backoffDelayMs", () => {
  it("doubles the ceiling per failed attempt up to maxDelayMs", () => {
    const top = () => 0.999999;
    expect(backoffDelayMs(1, policy, top)).toBe(99);
    expect(backoffDelayMs(2, policy, top)).toBe(199);
    expect(backoffDelayMs(3, policy, top)).toBe(399);
    expect(backoffDelayMs(10, policy, top)).toBe(999);
  });

  it("spreads delays over the whole window (full jitter)", () => {
    expect(backoffDelayMs(3, policy, () => 0)).toBe(0);
    expect(backoffDelayMs(3, policy, () => 0.5)).toBe(200);
  });
});

describe("retryDelayMs", () => {
  it("uses the server's advice when present", () => {
    expect(retryDelayMs(1, 1500, policy, () => 0)).toBe(1500);
  });

  it("caps the server's advice at maxServerDelayMs", () => {
    expect(retryDelayMs(1, 3_600_000, policy, () => 0)).toBe(5000);
  });

  it("falls back to jittered backoff without advice", () => {
    expect(retryDelayMs(2, undefined, policy, () => 0.5)).toBe(100);
  });
});
