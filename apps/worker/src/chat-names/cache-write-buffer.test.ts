import { describe, expect, it, vi } from "vitest";
import type { ChatNameUpdate } from "./chat-name.ts";
import type { CacheWriteResult } from "./cache-index.ts";
import { CacheWriteBuffer } from "./cache-write-buffer.ts";

/** Polls a condition (fake clusters and timers answer within milliseconds). */
const WAIT = { timeout: 5_000, interval: 5 };

const update = (i: number, chatName = `n${i}`): ChatNameUpdate => ({ chatId: `c${i}`, chatName, source: "api" });
const written = (u: readonly ChatNameUpdate[]): CacheWriteResult => ({ written: u, superseded: [], failed: 0, retry: [] });


describe("CacheWriteBuffer", () => {
  it("writes what accumulated within the delay in one request, the newest name per chat", async () => {
    const writes: ChatNameUpdate[][] = [];
    const buffer = new CacheWriteBuffer({ maxDelayMs: 20, write: async (u) => (writes.push([...u]), written(u)) });
    buffer.add([update(1, "old")]);
    buffer.add([update(2), update(3), update(1, "new")]);
    await vi.waitFor(() => expect(writes.length > 0).toBe(true), WAIT);
    expect(writes).toEqual([[update(1, "new"), update(2), update(3)]]);
  });

  it("writes at once when the batch is full, and flush waits for the writes", async () => {
    const writes: number[] = [];
    const buffer = new CacheWriteBuffer({
      maxBatch: 2,
      maxDelayMs: 10_000,
      write: async (u) => {
        await new Promise((r) => setTimeout(r, 5));
        writes.push(u.length);
        return written(u);
      },
    });
    buffer.add([update(1), update(2)]);
    buffer.add([update(3)]);
    await buffer.flush();
    expect(writes).toEqual([2, 1]);
  });

  it("writes again later what Elasticsearch could not take, unless a newer name arrived", async () => {
    const writes: ChatNameUpdate[][] = [];
    let down = true;
    const buffer = new CacheWriteBuffer({
      retryDelayMs: 10,
      write: async (u) => {
        writes.push([...u]);
        return down ? { written: [], superseded: [], failed: 0, retry: u } : written(u);
      },
    });
    buffer.add([update(1), update(2)]);
    const failing = buffer.flush();
    buffer.add([update(2, "renamed")]);
    await failing;
    down = false;
    await vi.waitFor(() => expect(writes).toHaveLength(2), WAIT);
    await buffer.flush();
    expect(writes[1]).toEqual([update(2, "renamed"), update(1)]);
    expect(buffer.size).toBe(0);
  });

  it("keeps names added during a slow write within the bound, and writes them after it", async () => {
    let release: () => void = () => {};
    const writes: number[] = [];
    const dropped: number[] = [];
    const buffer = new CacheWriteBuffer({
      maxBatch: 2,
      maxPending: 4,
      maxDelayMs: 1,
      write: async (u) => {
        writes.push(u.length);
        if (writes.length === 1) await new Promise<void>((r) => (release = r));
        return written(u);
      },
      onOverflow: (n) => dropped.push(n),
    });
    buffer.add([update(1), update(2)]);
    for (let i = 3; i < 20; i++) buffer.add([update(i)]);
    expect(buffer.size).toBe(4);
    expect(dropped.reduce((a, b) => a + b, 0)).toBe(13);
    release();
    await vi.waitFor(() => expect(writes).toEqual([2, 4]), WAIT);
  });

  it("holds at most maxPending chats and reports the writes it drops", async () => {
    const dropped: number[] = [];
    const buffer = new CacheWriteBuffer({ maxPending: 3, maxBatch: 100, maxDelayMs: 60_000, write: async (u) => written(u), onOverflow: (n) => dropped.push(n) });
    buffer.add([update(1), update(2), update(3), update(4), update(5)]);
    // A chat already waiting still takes its newer name.
    buffer.add([update(1, "renamed")]);
    expect(buffer.size).toBe(3);
    expect(dropped).toEqual([2]);
    await buffer.flush();
  });

  it("reports a failed write and keeps working", async () => {
    const errors: number[] = [];
    let fail = true;
    const chats: string[] = [];
    const buffer = new CacheWriteBuffer({
      write: async (u) => {
        if (fail) {
          fail = false;
          throw new Error("refused");
        }
        chats.push(...u.map((x) => x.chatId));
        return written(u);
      },
      onError: (_e, count) => errors.push(count),
    });
    buffer.add([update(1)]);
    await buffer.flush();
    buffer.add([update(2)]);
    await buffer.flush();
    expect(errors).toEqual([1]);
    expect(chats).toEqual(["c2"]);
  });
});
