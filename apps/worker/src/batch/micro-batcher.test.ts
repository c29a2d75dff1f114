import { describe, expect, it, vi } from "vitest";
import { MicroBatcher } from "./micro-batcher.ts";

function collect(options: { maxItems?: number; maxBytes?: number; maxWaitMs?: number }) {
  const batches: number[][] = [];
  const batcher = new MicroBatcher<number>({
    maxItems: options.maxItems ?? 1_000,
    maxBytes: options.maxBytes ?? 1_000_000,
    maxWaitMs: options.maxWaitMs ?? 10_000,
    sizeOf: (n) => n,
    onBatch: (b) => batches.push(b),
  });
  return { batcher, batches };
}

describe("MicroBatcher", () => {
  it("emits a batch as soon as it holds maxItems", () => {
    const { batcher, batches } = collect({ maxItems: 3 });
    for (let i = 1; i <= 7; i++) batcher.add(i);
    expect(batches).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(batcher.pending).toBe(1);
  });

  it("never lets a batch pass maxBytes, except a single oversized item", () => {
    const { batcher, batches } = collect({ maxBytes: 10 });
    batcher.add(4);
    batcher.add(4);
    batcher.add(4);
    batcher.add(25);
    batcher.add(1);
    batcher.flush();
    expect(batches).toEqual([[4, 4], [4], [25], [1]]);
  });

  it("emits a partial batch maxWaitMs after its first item", async () => {
    const { batcher, batches } = collect({ maxWaitMs: 20 });
    batcher.add(1);
    await new Promise((r) => setTimeout(r, 5));
    batcher.add(2);
    expect(batches).toEqual([]);
    await new Promise((r) => setTimeout(r, 40));
    expect(batches).toEqual([[1, 2]]);
  });

  it("flush emits what is waiting and nothing when empty", () => {
    const { batcher, batches } = collect({});
    batcher.flush();
    batcher.add(5);
    batcher.flush();
    expect(batches).toEqual([[5]]);
  });

  it("holds a batch that is due while the consumer is busy, and sends it fuller when a slot frees", () => {
    vi.useFakeTimers();
    try {
      let busy = true;
      const batches: number[][] = [];
      const batcher = new MicroBatcher<number>({ maxItems: 100, maxBytes: 1e6, maxWaitMs: 10, sizeOf: () => 1, onBatch: (b) => batches.push(b), hasCapacity: () => !busy });
      batcher.add(1);
      vi.advanceTimersByTime(15);
      batcher.add(2);
      batcher.add(3);
      expect(batches).toEqual([]);
      busy = false;
      batcher.capacityFreed();
      expect(batches).toEqual([[1, 2, 3]]);
    } finally {
      vi.useRealTimers();
    }
  });

  it("sends a held batch anyway one more wait after it was due, so a slow request bounds the delay", () => {
    vi.useFakeTimers();
    try {
      const batches: number[][] = [];
      const batcher = new MicroBatcher<number>({ maxItems: 100, maxBytes: 1e6, maxWaitMs: 10, sizeOf: () => 1, onBatch: (b) => batches.push(b), hasCapacity: () => false });
      batcher.add(1);
      vi.advanceTimersByTime(15);
      batcher.add(2);
      expect(batches).toEqual([]);
      vi.advanceTimersByTime(10);
      expect(batches).toEqual([[1, 2]]);
      // The next batch starts its own wait.
      batcher.add(3);
      vi.advanceTimersByTime(15);
      expect(batches).toEqual([[1, 2]]);
    } finally {
      vi.useRealTimers();
    }
  });

  it("sends a full batch even when the consumer is busy", () => {
    const batches: number[][] = [];
    const batcher = new MicroBatcher<number>({ maxItems: 2, maxBytes: 1e6, maxWaitMs: 10, sizeOf: () => 1, onBatch: (b) => batches.push(b), hasCapacity: () => false });
    batcher.add(1);
    batcher.add(2);
    expect(batches).toEqual([[1, 2]]);
  });
});
