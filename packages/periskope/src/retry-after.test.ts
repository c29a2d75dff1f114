import { describe, expect, it } from "vitest";
import { rateLimitResetMs, retryAfterMs, serverAdvisedDelayMs } from "./retry-after.ts";

const now = Date.parse("2025-06-18T14:00:00Z");

describe("retryAfterMs", () => {
  it("reads delay-seconds", () => {
    expect(retryAfterMs("3", now)).toBe(3000);
    expect(retryAfterMs(" 0 ", now)).toBe(0);
  });

  it("reads an HTTP date relative to now", () => {
    expect(retryAfterMs("Wed, 18 Jun 2025 14:00:05 GMT", now)).toBe(5000);
  });

  it("clamps a date in the past to zero", () => {
    expect(retryAfterMs("Wed, 18 Jun 2025 13:59:00 GMT", now)).toBe(0);
  });

  it("ignores garbage and absence", () => {
    expect(retryAfterMs("soon", now)).toBeUndefined();
    expect(retryAfterMs("", now)).toBeUndefined();
    expect(retryAfterMs(null, now)).toBeUndefined();
  });
});

describe("rateLimitResetMs", () => {
  it("reads values above 1e9 as epoch seconds", () => {
    expect(rateLimitResetMs(String(now / 1000 + 7), now)).toBe(7000);
  });

  it("reads small values as seconds from now", () => {
    expect(rateLimitResetMs("4", now)).toBe(4000);
  });

  it("clamps a reset in the past to zero and ignores garbage", () => {
    expect(rateLimitResetMs(String(now / 1000 - 30), now)).toBe(0);
    expect(rateLimitResetMs("-1", now)).toBeUndefined();
    expect(rateLimitResetMs("abc", now)).toBeUndefined();
  });
});

describe("serverAdvisedDelayMs", () => {
  it("prefers Retry-After over X-RateLimit-Reset", () => {
    const headers = new Headers({ "retry-after": "1", "x-ratelimit-reset": "9" });
    expect(serverAdvisedDelayMs(headers, now)).toBe(1000);
  });

  it("falls back to X-RateLimit-Reset", () => {
    expect(serverAdvisedDelayMs(new Headers({ "x-ratelimit-reset": "2" }), now)).toBe(2000);
  });

  it("is undefined when the server gives no hint", () => {
    expect(serverAdvisedDelayMs(new Headers(), now)).toBeUndefined();
  });
});
