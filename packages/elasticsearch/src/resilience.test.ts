import { describe, expect, it, vi } from "vitest";
import { isRetryableElasticsearchError } from "./request-error.ts";
import { createElasticsearchPolicy, isBrokenCircuit, type BreakerState } from "./resilience.ts";

/** Polls a condition (fake clusters and timers answer within milliseconds). */
const WAIT = { timeout: 5_000, interval: 5 };

const connectionError = () => Object.assign(new Error("connect ECONNREFUSED"), { name: "ConnectionError" });
const responseError = (status: number) => Object.assign(new Error(`status ${status}`), { name: "ResponseError", meta: { statusCode: status } });

/** A cluster whose health endpoint answers as `healthy()` says, counting probes. */
function fakeCluster(healthy: () => boolean) {
  let probes = 0;
  const es = {
    cluster: {
      async health() {
        probes++;
        if (!healthy()) throw connectionError();
        return { status: "green", timed_out: false };
      },
    },
  } as never;
  return { es, probes: () => probes };
}

const fast = { retryBudgetMs: 2_000, breakerFailures: 100, probeIntervalMs: 20, baseDelayMs: 1, maxDelayMs: 5 };


describe("isRetryableElasticsearchError", () => {
  it("retries unreachable, timeouts, 429 and 5xx, and nothing else", () => {
    expect(isRetryableElasticsearchError(connectionError())).toBe(true);
    expect(isRetryableElasticsearchError(Object.assign(new Error(), { name: "TimeoutError" }))).toBe(true);
    expect(isRetryableElasticsearchError(responseError(429))).toBe(true);
    expect(isRetryableElasticsearchError(responseError(503))).toBe(true);
    expect(isRetryableElasticsearchError(responseError(400))).toBe(false);
    expect(isRetryableElasticsearchError(new TypeError("bug"))).toBe(false);
  });
});

describe("createElasticsearchPolicy", () => {
  it("retries retryable failures until the call succeeds", async () => {
    const policy = createElasticsearchPolicy(fakeCluster(() => true).es, fast);
    const attempts: number[] = [];
    policy.onRetry((e) => attempts.push(e.attempt));
    let calls = 0;
    const result = await policy.execute(async () => {
      if (++calls < 3) throw connectionError();
      return "ok";
    });
    expect(result).toBe("ok");
    expect(attempts).toEqual([1, 2]);
  });

  it("rethrows a non-retryable failure at once", async () => {
    const policy = createElasticsearchPolicy(fakeCluster(() => true).es, fast);
    let calls = 0;
    await expect(policy.execute(async () => (calls++, Promise.reject(responseError(400))))).rejects.toThrow("status 400");
    expect(calls).toBe(1);
  });

  it("gives up with the last error when the budget runs out", async () => {
    const policy = createElasticsearchPolicy(fakeCluster(() => true).es, { ...fast, retryBudgetMs: 100, baseDelayMs: 20, maxDelayMs: 20 });
    let calls = 0;
    const started = Date.now();
    await expect(policy.execute(async () => (calls++, Promise.reject(connectionError())))).rejects.toThrow("ECONNREFUSED");
    expect(calls).toBeGreaterThanOrEqual(2);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("opens after consecutive retryable failures only, fails fast while open, and closes when the health probe answers", async () => {
    let up = false;
    const cluster = fakeCluster(() => up);
    const policy = createElasticsearchPolicy(cluster.es, { ...fast, breakerFailures: 3, retryBudgetMs: 0 });
    const states: BreakerState[] = [];
    policy.onStateChange((s) => states.push(s));
    // Non-retryable failures are the caller's problem, not the cluster's: they never open it.
    for (let i = 0; i < 5; i++) await policy.execute(() => Promise.reject(responseError(400))).catch(() => undefined);
    expect(policy.state).toBe("closed");
    for (let i = 0; i < 3; i++) await policy.execute(() => Promise.reject(connectionError())).catch(() => undefined);
    expect(policy.state).toBe("open");
    let sent = false;
    const refused = await policy.execute(async () => (sent = true)).catch((e: unknown) => e);
    expect(isBrokenCircuit(refused)).toBe(true);
    expect(sent).toBe(false);

    const available = policy.whenAvailable();
    await vi.waitFor(() => expect(cluster.probes() >= 2).toBe(true), WAIT);
    expect(policy.state).not.toBe("closed");
    up = true;
    await available;
    expect(policy.state).toBe("closed");
    expect(states[0]).toBe("open");
    expect(states.at(-1)).toBe("closed");
    expect(await policy.execute(async () => "written")).toBe("written");
    policy.close();
  });

  it("persist waits through an outage instead of giving up, and stops on abort", async () => {
    let up = false;
    const policy = createElasticsearchPolicy(fakeCluster(() => up).es, { ...fast, breakerFailures: 2, retryBudgetMs: 50 });
    let calls = 0;
    const written = policy.persist(async () => {
      calls++;
      if (!up) throw connectionError();
      return "written";
    });
    await vi.waitFor(() => expect(policy.state).toBe("open"), WAIT);
    const callsWhileOpen = calls;
    up = true;
    expect(await written).toBe("written");
    // While open nothing was sent but the probes.
    expect(calls).toBe(callsWhileOpen + 1);
    await expect(policy.persist(() => Promise.reject(responseError(400)))).rejects.toThrow("status 400");

    up = false;
    const stop = new AbortController();
    const abandoned = policy.persist(() => Promise.reject(connectionError()), stop.signal);
    await vi.waitFor(() => expect(policy.state).toBe("open"), WAIT);
    stop.abort();
    await expect(abandoned).rejects.toThrow();
    policy.close();
  });

  it("whenAvailable gives up when its signal aborts", async () => {
    const policy = createElasticsearchPolicy(fakeCluster(() => false).es, { ...fast, breakerFailures: 1, retryBudgetMs: 0 });
    await policy.execute(() => Promise.reject(connectionError())).catch(() => undefined);
    const stop = new AbortController();
    const waiting = policy.whenAvailable(stop.signal);
    stop.abort(new Error("shutting down"));
    await expect(waiting).rejects.toThrow("shutting down");
    policy.close();
  });
});
