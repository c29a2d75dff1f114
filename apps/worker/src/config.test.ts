import { knownVariables, loadConfig, requiredVariables } from "@periskope-pipeline/config";
import { describe, expect, it } from "vitest";
import { configSchema } from "./config.ts";

describe("worker configSchema", () => {
  it("starts from an empty environment with documented defaults", () => {
    const config = loadConfig(configSchema, {});
    expect(requiredVariables(configSchema)).toEqual([]);
    expect(config).toMatchObject({
      WORKER_METRICS_PORT: 9464,
      WORKER_METRICS_HOST: "0.0.0.0",
      PERISKOPE_CONCURRENCY: 8,
      WORKER_BATCH_MAX_WAIT_MS: 250,
      CACHE_TTL_SECONDS: 3600,
      CACHE_ON_STARTUP: false,
      ELASTICSEARCH_INDEX: "whatsapp_messages",
      PUBSUB_EVENTS_SUBSCRIPTION: "periskope-events-worker",
    });
  });

  it("names every variable the worker and its commands read", () => {
    const known = knownVariables(configSchema);
    for (const name of ["PUBSUB_DEAD_LETTER_TOPIC", "PERISKOPE_API_KEY", "CACHE_ON_STARTUP", "WARM_UP_DELAY_MS", "WARM_UP_INTERVAL_SECONDS", "WORKER_BATCH_MAX_MESSAGES", "LOG_LEVEL"]) {
      expect(known).toContain(name);
    }
  });

  it("rejects nonsense with every problem named", () => {
    expect(() => loadConfig(configSchema, { WORKER_BATCH_MAX_MESSAGES: "0", PUBSUB_MAX_STREAMS: "many", CACHE_ON_STARTUP: "perhaps" })).toThrow(
      /WORKER_BATCH_MAX_MESSAGES[\s\S]*PUBSUB_MAX_STREAMS|PUBSUB_MAX_STREAMS[\s\S]*WORKER_BATCH_MAX_MESSAGES/,
    );
  });
});
