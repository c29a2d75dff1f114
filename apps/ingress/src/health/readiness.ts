/**
 * Readiness (design §2): the topic is reachable and the instance is not draining. A probe result is
 * reused for `cacheMs` and concurrent checks share one probe, so a busy `/readyz` never turns into a
 * stream of calls to Pub/Sub.
 */
import type { Lifecycle } from "../server/lifecycle.ts";

export type ReadinessResult = { readonly ready: true } | { readonly ready: false; readonly reason: string };

export function createReadinessCheck(probe: () => Promise<void>, lifecycle: Lifecycle, cacheMs: number): () => Promise<ReadinessResult> {
  let cached: { at: number; result: ReadinessResult } | undefined;
  let running: Promise<ReadinessResult> | undefined;

  const runProbe = async (): Promise<ReadinessResult> => {
    try {
      await probe();
      return { ready: true };
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      return { ready: false, reason: `topic unreachable (${typeof code === "string" ? code : "error"})` };
    }
  };

  return async () => {
    if (lifecycle.draining) return { ready: false, reason: "shutting down" };
    if (cached && Date.now() - cached.at < cacheMs) return cached.result;
    running ??= runProbe().then((result) => {
      cached = { at: Date.now(), result };
      running = undefined;
      return result;
    });
    return running;
  };
}
