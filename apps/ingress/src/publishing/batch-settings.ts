/** Batch settings from the ingress configuration (names and defaults in config.ts). */
import type { IngressConfig } from "../config.ts";
import type { BatchSettings } from "./publish-batcher.ts";

export function batchSettingsFrom(config: Pick<IngressConfig, "PUBLISH_BATCH_MAX_MESSAGES" | "PUBLISH_BATCH_MAX_BYTES" | "PUBLISH_BATCH_MAX_DELAY_MS" | "PUBLISH_MAX_CONCURRENT_REQUESTS" | "PUBLISH_TIMEOUT_MS">): BatchSettings {
  return {
    maxMessages: config.PUBLISH_BATCH_MAX_MESSAGES,
    maxBytes: config.PUBLISH_BATCH_MAX_BYTES,
    maxDelayMs: config.PUBLISH_BATCH_MAX_DELAY_MS,
    maxConcurrentRequests: config.PUBLISH_MAX_CONCURRENT_REQUESTS,
    timeoutMs: config.PUBLISH_TIMEOUT_MS,
  };
}
