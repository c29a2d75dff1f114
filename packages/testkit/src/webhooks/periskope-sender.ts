/**
 * Delivers webhooks the way Periskope does to a receiver that misbehaves: a steady stream, and a
 * delivery answered with anything but 2xx, or lost to a connection error or timeout, is sent again
 * after an exponential backoff (a `Retry-After` the receiver gives is honoured), up to a bound.
 * Bodies are built on demand from their position, so a million webhooks never sit in memory.
 *
 * @example
 * ```ts
 * const result = await sendLikePeriskope(`${ingress}/periskopewebhook`, bodies.length, (i) => bodies[i]!, { key, ratePerSecond: 500 });
 * expect(result.gaveUp).toBe(0);
 * ```
 */
import { setTimeout as sleep } from "node:timers/promises";
import { keepAliveAgent, PostTimeoutError } from "./http-post.ts";
import { sendWebhook } from "./send.ts";

export interface PeriskopeSenderOptions {
  /** Signing key of every delivery. */
  readonly key: string;
  /** First attempts started per second, whatever the retries in flight. */
  readonly ratePerSecond: number;
  /** Deliveries started and not yet accepted or given up (default 20,000): past it the stream waits. */
  readonly maxPending?: number;
  /** Attempts per delivery before it is given up (default 20). */
  readonly maxAttempts?: number;
  /** First backoff (default 500 ms), doubled per attempt with jitter, capped at `maxBackoffMs` (20 s). */
  readonly initialBackoffMs?: number;
  readonly maxBackoffMs?: number;
  /** Per-attempt timeout (default 10 s). */
  readonly timeoutMs?: number;
  /** Attempts in flight at once, over as many keep-alive connections (default 64); the rest wait their turn. */
  readonly connections?: number;
  readonly signal?: AbortSignal;
  /** Sees every attempt's outcome as it happens (`"200"`, `"503"`, `NETWORK_ERROR`, …), e.g. for progress. */
  readonly onAttempt?: (outcome: string) => void;
}

export interface PeriskopeSendResult {
  /** Deliveries started (`count`, unless aborted). */
  readonly sent: number;
  /** Deliveries finally answered 2xx. */
  readonly accepted: number;
  /** Deliveries that exhausted their attempts (or were aborted) without a 2xx. */
  readonly gaveUp: number;
  /** Attempts after the first, over all deliveries. */
  readonly retries: number;
  /** Every attempt's outcome: `"200"`, `"503"`, …, `NETWORK_ERROR`, `TIMEOUT`. */
  readonly statusCounts: Record<string, number>;
  readonly durationMs: number;
}

export async function sendLikePeriskope(url: string, count: number, bodyAt: (index: number) => string, options: PeriskopeSenderOptions): Promise<PeriskopeSendResult> {
  const maxPending = options.maxPending ?? 20_000;
  const maxAttempts = options.maxAttempts ?? 20;
  const initialBackoffMs = options.initialBackoffMs ?? 500;
  const maxBackoffMs = options.maxBackoffMs ?? 20_000;
  const connections = options.connections ?? 64;
  const agent = keepAliveAgent(new URL(url), connections);
  // Attempts wait for a connection here, not in the agent's queue: the timeout counts the request, not the wait.
  let inFlight = 0;
  const waitingForConnection: Array<() => void> = [];
  const connection = async () => {
    if (inFlight < connections) return void inFlight++;
    await new Promise<void>((resolve) => waitingForConnection.push(resolve));
  };
  const release = () => {
    const next = waitingForConnection.shift();
    if (next) next();
    else inFlight--;
  };
  const statusCounts: Record<string, number> = {};
  const counted = (outcome: string) => {
    statusCounts[outcome] = (statusCounts[outcome] ?? 0) + 1;
    options.onAttempt?.(outcome);
  };
  let accepted = 0;
  let gaveUp = 0;
  let retries = 0;
  let sent = 0;
  let pending = 0;
  let wake: (() => void) | undefined;
  const finished = new Set<Promise<void>>();

  async function deliver(index: number): Promise<void> {
    const body = bodyAt(index);
    for (let attempt = 1; ; attempt++) {
      if (attempt > 1) retries++;
      let waitMs = Math.min(maxBackoffMs, initialBackoffMs * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2);
      await connection();
      try {
        const result = await sendWebhook(url, body, { key: options.key, agent, timeoutMs: options.timeoutMs ?? 10_000 }).finally(release);
        counted(String(result.status));
        if (result.status >= 200 && result.status < 300) return void accepted++;
        const retryAfter = Number(result.headers["retry-after"]);
        if (Number.isFinite(retryAfter) && retryAfter > 0) waitMs = Math.min(maxBackoffMs, Math.max(waitMs, retryAfter * 1000));
      } catch (error) {
        counted(error instanceof PostTimeoutError ? "TIMEOUT" : "NETWORK_ERROR");
      }
      if (attempt >= maxAttempts || options.signal?.aborted) return void gaveUp++;
      await sleep(waitMs);
    }
  }

  const started = performance.now();
  try {
    for (let i = 0; i < count && !options.signal?.aborted; i++) {
      const due = started + (i * 1000) / options.ratePerSecond;
      const ahead = due - performance.now();
      if (ahead > 1) await sleep(ahead);
      while (pending >= maxPending) await new Promise<void>((resolve) => (wake = resolve));
      pending++;
      sent++;
      const delivery: Promise<void> = deliver(i).finally(() => {
        pending--;
        finished.delete(delivery);
        wake?.();
        wake = undefined;
      });
      finished.add(delivery);
    }
    while (finished.size > 0) await Promise.all([...finished]);
  } finally {
    agent.destroy();
  }
  return { sent, accepted, gaveUp, retries, statusCounts, durationMs: performance.now() - started };
}
