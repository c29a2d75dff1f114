/**
 * Deliver webhooks over HTTP like Periskope does: a POST with the raw JSON body and its signature.
 */
import type { IncomingHttpHeaders } from "node:http";
import { keepAliveAgent, post, PostTimeoutError, type AnyAgent } from "./http-post.ts";
import { signedHeaders } from "./sign.ts";

export interface SendOptions {
  /** Signing key; without it the webhook goes unsigned (to test rejection). */
  key?: string | undefined;
  /** Extra or overriding headers (e.g. a wrong `x-periskope-signature`). */
  headers?: Record<string, string> | undefined;
  /** Per-request timeout (default 10 s). */
  timeoutMs?: number | undefined;
  signal?: AbortSignal | undefined;
}

export interface SendResult {
  status: number;
  body: string;
  headers: IncomingHttpHeaders;
  durationMs: number;
}

/** One signed delivery; rejects on network errors and timeouts (`PostTimeoutError`). */
export async function sendWebhook(url: string, raw: string | Uint8Array, options: SendOptions & { agent?: AnyAgent | undefined } = {}): Promise<SendResult> {
  const bytes = typeof raw === "string" ? Buffer.from(raw, "utf8") : raw;
  const headers = { ...(options.key === undefined ? { "content-type": "application/json" } : signedHeaders(bytes, options.key)), ...options.headers };
  const started = performance.now();
  const result = await post(new URL(url), bytes, headers, { agent: options.agent, timeoutMs: options.timeoutMs ?? 10_000, signal: options.signal });
  return { ...result, durationMs: performance.now() - started };
}

export interface BulkSendOptions extends SendOptions {
  /** Webhooks in flight at once, and the most connections opened (default 50). */
  concurrency?: number | undefined;
  /** Stop starting new sends after this long (default 120 s); unsent ones count as `NOT_SENT`. */
  maxDurationMs?: number | undefined;
}

export interface BulkSendResult {
  total: number;
  /** `"200"`, `"503"`, … or `NETWORK_ERROR` / `TIMEOUT` / `NOT_SENT` → count. */
  statusCounts: Record<string, number>;
  durationMs: number;
  /** Latency percentiles of completed requests, in ms. */
  latency: { p50: number; p95: number; p99: number; max: number };
}

/**
 * Sends every body with bounded concurrency over at most `concurrency` keep-alive connections and
 * reports how each ended. Never throws for a failed delivery: failures are counted, because load
 * tests assert on the counts.
 *
 * @example
 * ```ts
 * const bodies = messageCreatedBatch({ count: 1000 }).map(toRawBody);
 * const result = await sendWebhooks(`${ingress}/periskopewebhook`, bodies, { key, concurrency: 50 });
 * expect(result.statusCounts).toEqual({ "200": 1000 });
 * ```
 */
export async function sendWebhooks(url: string, bodies: readonly (string | Uint8Array)[], options: BulkSendOptions = {}): Promise<BulkSendResult> {
  const concurrency = Math.max(1, options.concurrency ?? 50);
  const agent = keepAliveAgent(new URL(url), concurrency);
  const stopAt = performance.now() + (options.maxDurationMs ?? 120_000);
  const statusCounts: Record<string, number> = {};
  const latencies: number[] = [];
  const count = (outcome: string) => (statusCounts[outcome] = (statusCounts[outcome] ?? 0) + 1);
  const started = performance.now();
  let next = 0;

  async function lane(): Promise<void> {
    for (let i = next++; i < bodies.length; i = next++) {
      if (performance.now() > stopAt || options.signal?.aborted) {
        count("NOT_SENT");
        continue;
      }
      try {
        const result = await sendWebhook(url, bodies[i] as string | Uint8Array, { ...options, agent });
        latencies.push(result.durationMs);
        count(String(result.status));
      } catch (err) {
        count(err instanceof PostTimeoutError ? "TIMEOUT" : "NETWORK_ERROR");
      }
    }
  }

  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, bodies.length) }, lane));
  } finally {
    agent.destroy();
  }
  return { total: bodies.length, statusCounts, durationMs: performance.now() - started, latency: percentiles(latencies) };
}

function percentiles(values: number[]): BulkSendResult["latency"] {
  if (values.length === 0) return { p50: 0, p95: 0, p99: 0, max: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99), max: sorted[sorted.length - 1] as number };
}
