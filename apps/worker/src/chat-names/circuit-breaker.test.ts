import { describe, expect, it } from "vitest";
import { CircuitBreaker, type CircuitState } from "./circuit-breaker.ts";

function breaker(threshold = 3, cooldownMs = 1_000) {
  let now = 0;
  const states: CircuitState[] = [];
  const b = new CircuitBreaker({ failureThreshold: threshold, cooldownMs, now: () => now, onStateChange: (s) => states.push(s) });
  return { b, states, advance: (ms: number) => (now += ms) };
}

describe("CircuitBreaker", () => {
  it("opens after the threshold of consecutive failures and fails fast while open", () => {
    const { b, states } = breaker(3);
    b.failed();
    b.failed();
    expect(b.tryAcquire()).toBe(true);
    b.failed();
    expect(b.current).toBe("open");
    expect(b.tryAcquire()).toBe(false);
    expect(states).toEqual(["open"]);
  });

  it("a success in between resets the count", () => {
    const { b } = breaker(2);
    b.failed();
    b.succeeded();
    b.failed();
    expect(b.current).toBe("closed");
  });

  it("lets exactly one probe through after the cooldown; success closes it", () => {
    const { b, states, advance } = breaker(1, 1_000);
    b.failed();
    advance(999);
    expect(b.tryAcquire()).toBe(false);
    advance(1);
    expect(b.tryAcquire()).toBe(true);
    expect(b.tryAcquire()).toBe(false);
    b.succeeded();
    expect(b.current).toBe("closed");
    expect(b.tryAcquire()).toBe(true);
    expect(states).toEqual(["open", "half-open", "closed"]);
  });

  it("a failed probe opens the circuit for another cooldown", () => {
    const { b, advance } = breaker(5, 1_000);
    for (let i = 0; i < 5; i++) b.failed();
    advance(1_000);
    expect(b.tryAcquire()).toBe(true);
    b.failed();
    expect(b.current).toBe("open");
    advance(500);
    expect(b.tryAcquire()).toBe(false);
  });

  it("a released probe frees the half-open slot without changing state", () => {
    const { b, advance } = breaker(1, 10);
    b.failed();
    advance(10);
    expect(b.tryAcquire()).toBe(true);
    b.released();
    expect(b.tryAcquire()).toBe(true);
  });
});
