import { describeRunReaderConformance } from "./run-reader.conformance.ts";
import { describe, expect, it } from "vitest";
import { LazyRunReader, MemoryRunReader } from "./run-reader.ts";

describeRunReaderConformance("in-memory", async () => {
  const reader = new MemoryRunReader();
  return { reader, write: async (run) => reader.put(run), dispose: async () => {} };
});

describe("LazyRunReader", () => {
  it("builds the reader on first use only, and retries a failed build", async () => {
    let builds = 0;
    const memory = new MemoryRunReader();
    const lazy = new LazyRunReader(async () => {
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
