/**
 * The worker's one Periskope client, built from its settings. The pipeline's chat-name lookups and
 * the commands (refresh-cache) share it, and with it the resilience policy's state: a 429 seen by a
 * refresh pauses the lookups too, and an outage seen by either opens the one breaker.
 */
import { createPeriskopeClient, type AttemptListener, type PeriskopeClient } from "@periskope-pipeline/periskope";
import type { WorkerConfig } from "./config.ts";

export type PeriskopeClientSettings = Pick<
  WorkerConfig,
  | "PERISKOPE_API_URL"
  | "PERISKOPE_API_KEY"
  | "PERISKOPE_PHONES"
  | "PERISKOPE_TIMEOUT_MS"
  | "PERISKOPE_RETRY_MAX_ATTEMPTS"
  | "PERISKOPE_RETRY_BUDGET_MS"
  | "PERISKOPE_BREAKER_FAILURES"
  | "PERISKOPE_BREAKER_COOLDOWN_MS"
>;

/** Undefined without `PERISKOPE_API_KEY`: names then come only from the cache index and webhooks. */
export function createWorkerPeriskopeClient(s: PeriskopeClientSettings, onAttempt?: AttemptListener): PeriskopeClient | undefined {
  if (!s.PERISKOPE_API_KEY) return undefined;
  return createPeriskopeClient({
    baseUrl: s.PERISKOPE_API_URL,
    apiKey: s.PERISKOPE_API_KEY,
    phone: s.PERISKOPE_PHONES[0],
    timeoutMs: s.PERISKOPE_TIMEOUT_MS,
    retry: { maxAttempts: s.PERISKOPE_RETRY_MAX_ATTEMPTS, budgetMs: s.PERISKOPE_RETRY_BUDGET_MS },
    breaker: { failures: s.PERISKOPE_BREAKER_FAILURES, cooldownMs: s.PERISKOPE_BREAKER_COOLDOWN_MS },
    onAttempt,
  });
}
