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
      INTAKE_THREAD: true,
      PUBLISH_MAX_IN_FLIGHT: 2_000,
      PUBLISH_TIMEOUT_MS: 10_000,
      SHUTDOWN_TIMEOUT_MS: 8_000,
      PUBSUB_EVENTS_TOPIC: "periskope-events",
      PUBSUB_COMMANDS_TOPIC: "pipeline-commands",
      ELASTICSEARCH_COMMANDS_INDEX: "pipeline_commands",
    });
    expect(config.ADMIN_TOKEN).toBeUndefined();
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
    expect(loadIngressConfig({ WEBHOOK_SIGNATURE_VERIFICATION: "false" }).WEBHOOK_SIGNATURE_VERIFICATION).toBe(false);
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
