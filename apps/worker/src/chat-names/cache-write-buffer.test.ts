import { describe, expect, it } from "vitest";
import type { ChatNameUpdate } from "./chat-name.ts";
import { CacheWriteBuffer } from "./cache-write-buffer.ts";

const update = (i: number): ChatNameUpdate => ({ chatId: `c${i}`, chatName: `n${i}`, source: "api" });

describe("CacheWriteBuffer", () => {
  it("writes what accumulated within the delay in one request", async () => {
    const writes: number[] = [];
    const buffer = new CacheWriteBuffer({
      maxDelayMs: 20,
      write: async (u) => {
        writes.push(u.length);
        return { written: u.length, superseded: 0, failed: 0 };
      },
    });
    buffer.add([update(1)]);
    buffer.add([update(2), update(3)]);
    await new Promise((r) => setTimeout(r, 60));
    expect(writes).toEqual([3]);
  });

  it("writes at once when the batch is full, and flush waits for the writes", async () => {
    const writes: number[] = [];
    const buffer = new CacheWriteBuffer({
      maxBatch: 2,
      maxDelayMs: 10_000,
      write: async (u) => {
        await new Promise((r) => setTimeout(r, 5));
        writes.push(u.length);
        return { written: u.length, superseded: 0, failed: 0 };
      },
    });
    buffer.add([update(1), update(2)]);
    buffer.add([update(3)]);
    await buffer.flush();
    expect(writes).toEqual([2, 1]);
  });

  it("reports a failed write and keeps working", async () => {
    const errors: number[] = [];
    let fail = true;
    const written: string[] = [];
    const buffer = new CacheWriteBuffer({
      write: async (u) => {
        if (fail) {
          fail = false;
          throw new Error("es down");
        }
        written.push(...u.map((x) => x.chatId));
        return { written: u.length, superseded: 0, failed: 0 };
      },
      onError: (_e, count) => errors.push(count),
    });
    buffer.add([update(1)]);
    await buffer.flush();
    buffer.add([update(2)]);
    await buffer.flush();
    expect(errors).toEqual([1]);
    expect(written).toEqual(["c2"]);
  });
});
