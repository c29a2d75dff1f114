import { describe, expect, it } from "vitest";
import { z } from "zod";
import { envBoolean, envInt, envList, envSecret } from "./env-types.ts";
import { ConfigError, loadConfig, redactConfig, requiredVariables } from "./load-config.ts";
import { elasticsearchSettings, pubsubSettings } from "./settings.ts";

const schema = z.object({
  ...pubsubSettings,
  ...elasticsearchSettings,
  PERISKOPE_SIGNING_KEY: envSecret(),
  FLAG: envBoolean(true),
  LIMIT: envInt(5, { min: 1, max: 10 }),
  PHONES: envList(),
});

describe("loadConfig", () => {
  it("applies defaults and coerces values", () => {
    const c = loadConfig(schema, { PERISKOPE_SIGNING_KEY: "k", FLAG: "off", LIMIT: "7", PHONES: "1, 2,,3" });
    expect(c.PUBSUB_EVENTS_TOPIC).toBe("periskope-events");
    expect(c.ELASTICSEARCH_URL).toBe("http://127.0.0.1:9200");
    expect(c.FLAG).toBe(false);
    expect(c.LIMIT).toBe(7);
    expect(c.PHONES).toEqual(["1", "2", "3"]);
  });

  it("reports every bad variable at once, without secret values", () => {
    let error: unknown;
    try {
      loadConfig(schema, { FLAG: "maybe", LIMIT: "99", ELASTICSEARCH_URL: "ftp://x", PERISKOPE_SIGNING_KEY: " " });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join("\n");
    for (const name of ["FLAG", "LIMIT", "ELASTICSEARCH_URL", "PERISKOPE_SIGNING_KEY"]) expect(problems).toContain(name);
    expect(problems).toContain("PERISKOPE_SIGNING_KEY: is invalid or missing");
  });

  it("strips a trailing slash from URLs", () => {
    expect(loadConfig(schema, { PERISKOPE_SIGNING_KEY: "k", ELASTICSEARCH_URL: "http://es:9200/" }).ELASTICSEARCH_URL).toBe("http://es:9200");
  });
});

describe("requiredVariables", () => {
  it("lists only variables without a default", () => {
    expect(requiredVariables(schema)).toEqual(["PERISKOPE_SIGNING_KEY"]);
  });
});

describe("redactConfig", () => {
  it("hides secrets and keeps the rest", () => {
    expect(redactConfig({ ADMIN_TOKEN: "t", PORT: 1 })).toEqual({ ADMIN_TOKEN: "[redacted]", PORT: 1 });
  });
});
