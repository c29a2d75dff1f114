import { describeCommandRunReaderConformance } from "./command-runs.conformance.ts";
import { describe, expect, it } from "vitest";
import { LazyCommandRuns, MemoryCommandRuns } from "./command-runs.ts";

describeCommandRunReaderConformance("in-memory", async () => {
  const reader = new MemoryCommandRuns();
  return { reader, write: async (run) => reader.put(run), dispose: async () => {} };
});

describe("LazyCommandRuns", () => {
  it("builds the reader on first use only, and retries a failed build", async () => {
    let builds = 0;
    const memory = new MemoryCommandRuns();
    const lazy = new LazyCommandRuns(async () => {
      builds++;
      if (builds === 1) throw new Error("store not reachable yet");
      return memory;
    });
    expect(builds).toBe(0);
    await expect(lazy.get("x")).rejects.toThrow(/not reachable/);
    expect(await lazy.get("x")).toBeNull();
    expect(await lazy.get("y")).toBeNull();
    expect(builds).toBe(2);
  });
});
