import { describe, expect, it } from "vitest";
import { RateLimitGate } from "./rate-limit-gate.ts";

const now = 1_750_000_000_000;

describe("RateLimitGate", () => {
  it("is open until the server signals a limit", () => {
    const gate = new RateLimitGate(60_000);
    gate.observe(200, new Headers({ "x-ratelimit-remaining": "5", "x-ratelimit-reset": "3" }), now);
    expect(gate.waitMs(now)).toBe(0);
  });

  it("pauses until the reset when Remaining reaches 0", () => {
    const gate = new RateLimitGate(60_000);
    gate.observe(200, new Headers({ "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(now / 1000 + 2) }), now);
    expect(gate.waitMs(now)).toBe(2000);
    expect(gate.waitMs(now + 1500)).toBe(500);
  });

  it("pauses for a 429's Retry-After, capped", () => {
    const gate = new RateLimitGate(10_000);
    gate.observe(429, new Headers({ "retry-after": "3600" }), now);
    expect(gate.waitMs(now)).toBe(10_000);
  });

  it("does not pause on a 429 without any hint", () => {
    const gate = new RateLimitGate(60_000);
    gate.observe(429, new Headers(), now);
    expect(gate.waitMs(now)).toBe(0);
  });
});
