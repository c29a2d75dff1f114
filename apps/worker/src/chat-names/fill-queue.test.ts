import { describe, expect, it } from "vitest";
import type { ChatNameUpdate } from "./chat-name.ts";
import { FillQueue } from "./fill-queue.ts";

const update = (chatId: string, chatName: string): ChatNameUpdate => ({ chatId, chatName, source: "webhook" });

describe("FillQueue", () => {
  it("fills names scheduled within the delay together, the newest name per chat winning", async () => {
    const runs: ChatNameUpdate[][] = [];
    const queue = new FillQueue({ delayMs: 20, fill: async (u) => (runs.push([...u]), { updated: u.length, failed: 0 }) });
    queue.schedule([update("a", "A1"), update("b", "B")]);
    queue.schedule([update("a", "A2")]);
    expect(runs).toEqual([]);
    await new Promise((r) => setTimeout(r, 60));
    expect(runs).toEqual([[update("a", "A2"), update("b", "B")]]);
  });

  it("tries a failed fill again, then gives up after maxAttempts", async () => {
    let calls = 0;
    const errors: boolean[] = [];
    const queue = new FillQueue({
      delayMs: 5,
      maxAttempts: 3,
      fill: async () => {
        calls++;
        throw new Error("es down");
      },
      onError: (_e, _n, willRetry) => errors.push(willRetry),
    });
    queue.schedule([update("a", "A")]);
    await new Promise((r) => setTimeout(r, 200));
    expect(calls).toBe(3);
    expect(errors).toEqual([true, true, false]);
    expect(queue.size).toBe(0);
  });

  it("drain runs what is scheduled at once; after close nothing is scheduled", async () => {
    const runs: number[] = [];
    const queue = new FillQueue({ delayMs: 60_000, fill: async (u) => (runs.push(u.length), { updated: u.length, failed: 0 }) });
    queue.schedule([update("a", "A")]);
    await queue.drain();
    expect(runs).toEqual([1]);
    await queue.close();
    queue.schedule([update("b", "B")]);
    expect(queue.size).toBe(0);
  });
});
