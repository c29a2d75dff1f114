import { describe, expect, it } from "vitest";
import { LOCAL_DEFAULTS, localEnvironment, recordedSettings } from "./local-defaults.ts";

const endpoints = {
  elasticsearchUrl: "http://127.0.0.1:9200",
  pubsubEmulatorHost: "127.0.0.1:8085",
  periskopeApiUrl: "http://127.0.0.1:4010/v1",
  periskopePhones: ["447700900123", "919812300456"],
};

describe("localEnvironment", () => {
  it("fills every unset setting with a local default and points the apps at the local services", () => {
    const env = localEnvironment({ PATH: "/bin" }, endpoints);
    expect(env).toMatchObject({
      ...LOCAL_DEFAULTS,
      PATH: "/bin",
      ELASTICSEARCH_URL: "http://127.0.0.1:9200",
      PUBSUB_EMULATOR_HOST: "127.0.0.1:8085",
      PERISKOPE_API_URL: "http://127.0.0.1:4010/v1",
      PERISKOPE_PHONES: "447700900123,919812300456",
      METADATA_SERVER_DETECTION: "none",
    });
  });

  it("keeps what the caller set, including empty-looking defaults it overrides", () => {
    const env = localEnvironment({ PERISKOPE_SIGNING_KEY: "s3cret", PORT: "9090", PERISKOPE_PHONES: "911" }, endpoints);
    expect(env.PERISKOPE_SIGNING_KEY).toBe("s3cret");
    expect(env.PORT).toBe("9090");
    expect(env.PERISKOPE_PHONES).toBe("911");
  });
});

describe("recordedSettings", () => {
  it("keeps the shared service settings another shell needs and never a secret", () => {
    const env = localEnvironment({ ELASTICSEARCH_PASSWORD: "pw", ELASTICSEARCH_COMMANDS_INDEX: "runs" }, endpoints);
    expect(recordedSettings(env)).toEqual({
      ELASTICSEARCH_URL: "http://127.0.0.1:9200",
      ELASTICSEARCH_COMMANDS_INDEX: "runs",
      PUBSUB_EMULATOR_HOST: "127.0.0.1:8085",
      PUBSUB_PROJECT_ID: LOCAL_DEFAULTS.PUBSUB_PROJECT_ID,
    });
  });
});
