/**
 * Graceful shutdown (design §2, STYLE 12): stop intake, drain, flush, close, within a bound.
 *
 * 1. Draining: `/readyz` turns 503 and requests arriving on kept-alive connections get 503 with
 *    `Connection: close`, so senders retry on another instance.
 * 2. The listener closes; idle connections are closed at once, busy ones as their responses end.
 *    In-flight webhooks finish normally: each still answers 200 only after Pub/Sub acknowledged.
 * 3. Publishers flush whatever is still queued and close their channels.
 * If the bound passes first, what is left is logged and the caller exits non-zero: a webhook that
 * got no 200 is retried by Periskope, so nothing is lost, only delayed.
 */
import type { Server } from "node:http";
import type { Logger } from "@periskope-pipeline/observability";
import type { Lifecycle } from "./lifecycle.ts";

export interface ShutdownParts {
  readonly server: Server;
  readonly lifecycle: Lifecycle;
  /** Closed in order after the HTTP server has drained (intake first, then other publishers). */
  readonly closers: readonly (() => Promise<void>)[];
  readonly log: Logger;
  readonly timeoutMs: number;
}

export type ShutdownResult = "clean" | "timed_out";

export async function shutdown({ server, lifecycle, closers, log, timeoutMs }: ShutdownParts): Promise<ShutdownResult> {
  const started = Date.now();
  lifecycle.startDraining();
  log.info({ event: "ShutdownStarted", stage: "shutdown", timeout_ms: timeoutMs }, "draining");

  const drained = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  // Connections that were busy become idle after their response: close those too, until none are left.
  const sweeper = setInterval(() => server.closeIdleConnections(), 50);
  const work = drained.then(async () => {
    for (const close of closers) await close();
  });

  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<"timed_out">((resolve) => (timer = setTimeout(() => resolve("timed_out"), timeoutMs)));
  const result = await Promise.race([work.then(() => "clean" as const), timedOut]);
  clearInterval(sweeper);
  clearTimeout(timer);

  if (result === "timed_out") {
    server.closeAllConnections();
    log.error({ event: "ShutdownTimedOut", stage: "shutdown", code: "shutdown_timeout", duration_ms: Date.now() - started }, "shutdown bound reached; unfinished webhooks were not acknowledged and will be retried by the sender");
  } else {
    log.info({ event: "ShutdownCompleted", stage: "shutdown", duration_ms: Date.now() - started }, "drained and flushed");
  }
  return result;
}
