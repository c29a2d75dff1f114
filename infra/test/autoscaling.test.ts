import { describe, expect, it } from "vitest";
import { measuredReplicaThroughput, targetBacklogPerReplica, TARGET_DRAIN_SECONDS } from "./autoscaling.ts";

describe("autoscaling arithmetic", () => {
  it("rounds the measured pipeline rate down to a 500 msg/s step", () => {
    expect(measuredReplicaThroughput({ pipeline: { docs_per_s: 3_850 } })).toBe(3_500);
    expect(measuredReplicaThroughput({ pipeline: { docs_per_s: 4_000 } })).toBe(4_000);
  });

  it("refuses results without a measured rate", () => {
    expect(() => measuredReplicaThroughput({})).toThrow(/docs_per_s/);
    expect(() => measuredReplicaThroughput({ pipeline: { docs_per_s: "fast" } })).toThrow(/docs_per_s/);
    expect(() => measuredReplicaThroughput({ pipeline: { docs_per_s: 120 } })).toThrow(/at least 500/);
  });

  it("reads the committed benchmark results", () => {
    expect(measuredReplicaThroughput()).toBeGreaterThanOrEqual(500);
  });

  it("sets the target to what one replica clears in the drain time", () => {
    expect(targetBacklogPerReplica(3_500)).toBe(3_500 * TARGET_DRAIN_SECONDS);
  });
});
