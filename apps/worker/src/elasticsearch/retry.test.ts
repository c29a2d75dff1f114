import { describe, expect, it } from "vitest";
import { backoffMs, withElasticsearchRetry } from "./retry.ts";
import { isTransientElasticsearchError } from "./transient-error.ts";

const connectionError = () => Object.assign(new Error("connect ECONNREFUSED"), { name: "ConnectionError" });
const responseError = (status: number) => Object.assign(new Error(`status ${status}`), { name: "ResponseError", meta: { statusCode: status } });

describe("isTransientElasticsearchError", () => {
  it("retries unreachable, timeouts, 429 and 5xx, and nothing else", () => {
    expect(isTransientElasticsearchError(connectionError())).toBe(true);
    expect(isTransientElasticsearchError(Object.assign(new Error(), { name: "TimeoutError" }))).toBe(true);
    expect(isTransientElasticsearchError(responseError(429))).toBe(true);
    expect(isTransientElasticsearchError(responseError(503))).toBe(true);
    expect(isTransientElasticsearchError(responseError(400))).toBe(false);
    expect(isTransientElasticsearchError(new TypeError("bug"))).toBe(false);
  });
});

describe("withElasticsearchRetry", () => {
  it("retries transient failures until the call succeeds", async () => {
    let calls = 0;
    const retries: number[] = [];
    const result = await withElasticsearchRetry(
      async () => {
        if (++calls < 3) throw connectionError();
        return "ok";
      },
      { budgetMs: 5_000, baseDelayMs: 1, maxDelayMs: 2, onRetry: (_e, attempt) => retries.push(attempt) },
    );
    expect(result).toBe("ok");
    expect(retries).toEqual([1, 2]);
  });

  it("rethrows a permanent failure at once", async () => {
    let calls = 0;
    await expect(
      withElasticsearchRetry(async () => {
        calls++;
        throw responseError(400);
      }, { budgetMs: 5_000 }),
    ).rejects.toThrow("status 400");
    expect(calls).toBe(1);
  });

  it("gives up when the next wait would pass the budget", async () => {
    let calls = 0;
    const started = Date.now();
    await expect(
      withElasticsearchRetry(async () => {
        calls++;
        throw connectionError();
      }, { budgetMs: 120, baseDelayMs: 40, maxDelayMs: 40, random: () => 1 }),
    ).rejects.toThrow("ECONNREFUSED");
    expect(calls).toBeGreaterThanOrEqual(2);
    expect(Date.now() - started).toBeLessThan(400);
  });

  it("backs off exponentially up to the cap", () => {
    expect(backoffMs(1, 100, 5_000, () => 1)).toBe(100);
    expect(backoffMs(4, 100, 5_000, () => 1)).toBe(800);
    expect(backoffMs(20, 100, 5_000, () => 1)).toBe(5_000);
    expect(backoffMs(3, 100, 5_000, () => 0)).toBe(50);
  });
});
