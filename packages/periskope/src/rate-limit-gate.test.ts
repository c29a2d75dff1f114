import { describe, expect, it } from "vitest";
import { RateLimitGate } from "./rate-limit-gate.ts";

const now = 1_750_000_000_000;

describe("RateLimitGate", () => {
  it("is open until the server signals a limit", () => {
    const gate = new RateLimitGate(60_000);
    gate.observe(new Headers({ "x-ratelimit-remaining": "5", "x-ratelimit-reset": "3" }), now);
    expect(gate.waitMs(now)).toBe(0);
  });

  it("pauses until the reset when Remaining reaches 0", () => {
    const gate = new RateLimitGate(60_000);
    gate.observe(new Headers({ "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(now / 1000 + 2) }), now);
    expect(gate.waitMs(now)).toBe(2000);
    expect(gate.waitMs(now + 1500)).toBe(500);
  });

  it("holds a failed attempt's advised wait, capped", () => {
    const gate = new RateLimitGate(10_000);
    gate.hold(3_600_000, now);
    expect(gate.waitMs(now)).toBe(10_000);
  });

  it("never shortens a pause already in force", () => {
    const gate = new RateLimitGate(60_000);
    gate.hold(5_000, now);
    gate.hold(1_000, now);
    expect(gate.waitMs(now)).toBe(5_000);
  });
});
