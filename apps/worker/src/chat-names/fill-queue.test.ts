import { describe, expect, it, vi } from "vitest";
import type { ChatNameUpdate } from "./chat-name.ts";
import { FillQueue } from "./fill-queue.ts";

/** Polls a condition (fake clusters and timers answer within milliseconds). */
const WAIT = { timeout: 5_000, interval: 5 };

const update = (chatId: string, chatName: string): ChatNameUpdate => ({ chatId, chatName, source: "webhook" });


describe("FillQueue", () => {
  it("fills names scheduled within the delay together, the newest name per chat winning", async () => {
    const runs: ChatNameUpdate[][] = [];
    const queue = new FillQueue({ delayMs: 20, fill: async (u) => (runs.push([...u]), { updated: u.length, failed: 0 }) });
    queue.schedule([update("a", "A1"), update("b", "B")]);
    queue.schedule([update("a", "A2")]);
    expect(runs).toEqual([]);
    await vi.waitFor(() => expect(runs.length > 0).toBe(true), WAIT);
    expect(runs).toEqual([[update("a", "A2"), update("b", "B")]]);
  });

  it("defers the chats of a fill that failed or left messages unfilled, without retrying by itself", async () => {
    const deferred: Array<[string[], string]> = [];
    let calls = 0;
    const queue = new FillQueue({
      delayMs: 5,
      fill: async (u) => {
        calls++;
        if (u[0]?.chatId === "a") throw new Error("es down");
        return { updated: 1, failed: 1 };
      },
      onDeferred: (u, reason) => deferred.push([u.map((x) => x.chatId), reason]),
    });
    queue.schedule([update("a", "A")]);
    await queue.drain();
    queue.schedule([update("b", "B")]);
    await queue.drain();
    expect(deferred).toEqual([
      [["a"], "failed"],
      [["b"], "failed"],
    ]);
    expect(calls).toBe(2);
    expect(queue.size).toBe(0);
  });

  it("holds at most maxPending chats and defers new chats past the bound", async () => {
    const deferred: string[] = [];
    const queue = new FillQueue({ delayMs: 60_000, maxPending: 2, fill: async (u) => ({ updated: u.length, failed: 0 }), onDeferred: (u) => deferred.push(...u.map((x) => x.chatId)) });
    queue.schedule([update("a", "A"), update("b", "B"), update("c", "C")]);
    queue.schedule([update("a", "A2"), update("d", "D")]);
    expect(queue.size).toBe(2);
    expect(deferred).toEqual(["c", "d"]);
    await queue.close();
  });

  it("keeps chats scheduled during a slow fill within the bound, and fills them after it", async () => {
    let release: () => void = () => {};
    const runs: string[][] = [];
    const deferred: string[] = [];
    const queue = new FillQueue({
      delayMs: 1,
      maxPending: 2,
      fill: async (u) => {
        runs.push(u.map((x) => x.chatId));
        if (runs.length === 1) await new Promise<void>((r) => (release = r));
        return { updated: u.length, failed: 0 };
      },
      onDeferred: (u) => deferred.push(...u.map((x) => x.chatId)),
    });
    queue.schedule([update("a", "A")]);
    await vi.waitFor(() => expect(runs).toHaveLength(1), WAIT);
    queue.schedule([update("b", "B"), update("c", "C"), update("d", "D")]);
    await new Promise((r) => setImmediate(r));
    expect(queue.size).toBe(2);
    expect(deferred).toEqual(["d"]);
    release();
    await vi.waitFor(() => expect(runs).toEqual([["a"], ["b", "c"]]), WAIT);
    await queue.close();
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
