import { describe, expect, it } from "vitest";
import { parseSimulatorListening } from "./simulator-listening.ts";

describe("parseSimulatorListening", () => {
  it("reads the URL, control URL, phones and org from the simulator's listening line", () => {
    const line = JSON.stringify({
      level: "info",
      event: "SimulatorListening",
      url: "http://127.0.0.1:4010/v1",
      control: "http://127.0.0.1:4010/__control",
      phones: ["447700900123", "919812300456"],
      org_id: "org-1",
    });
    expect(parseSimulatorListening(line)).toEqual({
      url: "http://127.0.0.1:4010/v1",
      control: "http://127.0.0.1:4010/__control",
      phones: ["447700900123", "919812300456"],
      orgId: "org-1",
    });
  });

  it("ignores every other line", () => {
    expect(parseSimulatorListening("starting…")).toBeUndefined();
    expect(parseSimulatorListening(JSON.stringify({ event: "SimulatorStopping" }))).toBeUndefined();
  });
});
