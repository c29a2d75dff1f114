import { describe, expect, it } from "vitest";
import { readSimulatorConfig } from "./main-config.ts";

describe("readSimulatorConfig", () => {
  it("applies the documented defaults", () => {
    expect(readSimulatorConfig({})).toMatchObject({
      port: 4010,
      host: "127.0.0.1",
      chats: 500,
      phones: ["447700900123", "919812300456"],
      apiKey: undefined,
      seed: 42,
      faults: { errorRate: 0, failNext: [] },
    });
  });

  it("reads every setting", () => {
    const config = readSimulatorConfig({
      SIMULATOR_PORT: "0",
      SIMULATOR_CHATS: "50000",
      SIMULATOR_PHONES: "447700900123, 15550001111",
      SIMULATOR_API_KEY: "sk_test",
      SIMULATOR_SEED: "bench",
      SIMULATOR_FAULTS: '{"latencyMs":20,"errorRate":0.01}',
    });
    expect(config).toMatchObject({ port: 0, chats: 50000, phones: ["447700900123", "15550001111"], apiKey: "sk_test", seed: "bench" });
    expect(config.faults).toMatchObject({ latencyMs: 20, errorRate: 0.01 });
  });

  it("names every bad setting at once", () => {
    expect(() => readSimulatorConfig({ SIMULATOR_PORT: "http", SIMULATOR_PHONES: "+44 7700" })).toThrow(/SIMULATOR_PORT[\s\S]*SIMULATOR_PHONES/);
  });

  it("rejects fault JSON that is invalid or has unknown fields", () => {
    expect(() => readSimulatorConfig({ SIMULATOR_FAULTS: "{" })).toThrow(/SIMULATOR_FAULTS: not JSON/);
    expect(() => readSimulatorConfig({ SIMULATOR_FAULTS: '{"eror":1}' })).toThrow(/SIMULATOR_FAULTS/);
  });
});
