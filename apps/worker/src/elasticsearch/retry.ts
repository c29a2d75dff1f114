/**
 * Retries a transient Elasticsearch failure with capped exponential backoff and full jitter, for at
 * most `budgetMs`, then rethrows. While Elasticsearch is down a batch waits here (its messages'
 * leases are extended meanwhile), so an outage costs no redeliveries and causes no busy loop.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { isTransientElasticsearchError } from "./transient-error.ts";

export interface RetryOptions {
  readonly budgetMs: number;
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  /** Called before each wait, e.g. to log that Elasticsearch is unreachable. */
  readonly onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  readonly signal?: AbortSignal | undefined;
  readonly random?: () => number;
}

export async function withElasticsearchRetry<T>(call: () => Promise<T>, options: RetryOptions): Promise<T> {
  const deadline = Date.now() + options.budgetMs;
  const base = options.baseDelayMs ?? 200;
  const max = options.maxDelayMs ?? 5_000;
  const random = options.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!isTransientElasticsearchError(error)) throw error;
      const delayMs = backoffMs(attempt, base, max, random);
      if (Date.now() + delayMs > deadline || options.signal?.aborted) throw error;
      options.onRetry?.(error, attempt, delayMs);
      await sleep(delayMs, undefined, options.signal ? { signal: options.signal } : undefined).catch(() => undefined);
    }
  }
}

/** Full jitter within an exponentially growing window, never below a small floor. */
export function backoffMs(attempt: number, baseMs: number, maxMs: number, random: () => number): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** (attempt - 1));
  return Math.max(Math.min(50, ceiling), Math.floor(random() * ceiling));
}
