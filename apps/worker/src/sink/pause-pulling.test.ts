import type { BreakerState } from "@periskope-pipeline/elasticsearch";
import { describe, expect, it } from "vitest";
import { pausePullingWhileUnavailable } from "./pause-pulling.ts";

function harness(atRiskAfterMs = 60_000) {
  let listener: (state: BreakerState) => void = () => {};
  const calls: string[] = [];
  const logs: Array<[string, string]> = [];
  const record = (level: string) => (fields: { event: string }) => logs.push([level, fields.event]);
  const gauge: number[] = [];
  pausePullingWhileUnavailable(
    { onStateChange: (l) => void (listener = l) },
    { pause: () => calls.push("pause"), resume: () => calls.push("resume") },
    { log: { warn: record("warn"), info: record("info"), error: record("error") } as never, metrics: { elasticsearchBreakerState: { set: (v: number) => gauge.push(v) } } as never, atRiskAfterMs },
  );
  return { emit: (s: BreakerState) => listener(s), calls, logs, gauge };
}

describe("pausePullingWhileUnavailable", () => {
  it("pauses pulling when the breaker opens and resumes once it closes, whatever half-open trials fail between", () => {
    const h = harness();
    h.emit("open");
    h.emit("half-open");
    h.emit("open");
    h.emit("half-open");
    h.emit("closed");
    expect(h.calls).toEqual(["pause", "resume"]);
    expect(h.logs).toEqual([
      ["warn", "SinkPaused"],
      ["info", "SinkResumed"],
    ]);
    expect(h.gauge).toEqual([2, 1, 2, 1, 0]);
  });

  it("logs an error when the pause lasts long enough to put held messages' leases at risk", async () => {
    const h = harness(10);
    h.emit("open");
    const deadline = Date.now() + 5_000;
    while (!h.logs.some(([level]) => level === "error") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    expect(h.logs.at(-1)).toEqual(["error", "SinkPausedLong"]);
  });
});
