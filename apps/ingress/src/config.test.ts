import { ConfigError, knownVariables, requiredVariables } from "@periskope-pipeline/config";
import { describe, expect, it } from "vitest";
import { configSchema, loadIngressConfig } from "./config.ts";

describe("ingress configuration", () => {
  it("requires only the signing key, and documents defaults for the rest", () => {
    expect(requiredVariables(configSchema)).toEqual(["PERISKOPE_SIGNING_KEY"]);
    const config = loadIngressConfig({ PERISKOPE_SIGNING_KEY: "peri_k" });
    expect(config).toMatchObject({
      PORT: 8080,
      HOST: "0.0.0.0",
      MAX_BODY_BYTES: 1_048_576,
      WEBHOOK_SIGNATURE_VERIFICATION: true,
      PUBLISH_BATCH_MAX_DELAY_MS: 1,
      REFRESH_CACHE_WAIT_SECONDS: 25,
      PUBLISH_MAX_IN_FLIGHT: 2_000,
      PUBLISH_TIMEOUT_MS: 10_000,
      SHUTDOWN_TIMEOUT_MS: 8_000,
      PUBSUB_EVENTS_TOPIC: "periskope-events",
      PUBSUB_COMMANDS_TOPIC: "pipeline-commands",
      ELASTICSEARCH_COMMANDS_INDEX: "pipeline_commands",
    });
    expect(config.ADMIN_TOKEN).toBeUndefined();
    expect(config.METRICS_PORT).toBeUndefined();
    expect(loadIngressConfig({ PERISKOPE_SIGNING_KEY: "peri_k", METRICS_PORT: "9464" }).METRICS_PORT).toBe(9464);
  });

  it("reads only the settings it uses from the shared groups", () => {
    const names = knownVariables(configSchema);
    expect(names).toContain("PUBSUB_EMULATOR_HOST");
    expect(names).toContain("ELASTICSEARCH_URL");
    expect(names).not.toContain("PUBSUB_EVENTS_SUBSCRIPTION");
    expect(names).not.toContain("PERISKOPE_API_KEY");
  });

  it("refuses to start without a signing key unless verification is explicitly off", () => {
    expect(() => loadIngressConfig({})).toThrow(ConfigError);
    expect(loadIngressConfig({ WEBHOOK_SIGNATURE_VERIFICATION: "false", PUBSUB_EMULATOR_HOST: "127.0.0.1:8085" }).WEBHOOK_SIGNATURE_VERIFICATION).toBe(false);
  });

  it("refuses verification off unless publishing to the emulator, signing key or not", () => {
    for (const env of [{ WEBHOOK_SIGNATURE_VERIFICATION: "false" }, { WEBHOOK_SIGNATURE_VERIFICATION: "off", PERISKOPE_SIGNING_KEY: "peri_k", PUBSUB_EMULATOR_HOST: " " }]) {
      expect(() => loadIngressConfig(env)).toThrow(/PUBSUB_EMULATOR_HOST/);
    }
  });

  it("refuses an ADMIN_TOKEN shorter than 32 characters", () => {
    expect(() => loadIngressConfig({ PERISKOPE_SIGNING_KEY: "peri_k", ADMIN_TOKEN: "x".repeat(31) })).toThrow(/ADMIN_TOKEN/);
    expect(loadIngressConfig({ PERISKOPE_SIGNING_KEY: "peri_k", ADMIN_TOKEN: "x".repeat(32) }).ADMIN_TOKEN).toHaveLength(32);
  });

  it("names every bad variable at once", () => {
    try {
      loadIngressConfig({ PERISKOPE_SIGNING_KEY: "k", PORT: "http", PUBLISH_BATCH_MAX_MESSAGES: "5000", MAX_BODY_BYTES: "10" });
      expect.unreachable();
    } catch (error) {
      const problems = (error as ConfigError).problems.join("\n");
      for (const name of ["PORT", "PUBLISH_BATCH_MAX_MESSAGES", "MAX_BODY_BYTES"]) expect(problems).toContain(name);
    }
  });
});
