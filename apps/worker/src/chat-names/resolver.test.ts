import type { Chat, PeriskopeClient } from "@periskope-pipeline/periskope";
import { describe, expect, it } from "vitest";
import { ApiTier } from "./api-tier.ts";
import type { CacheIndex } from "./cache-index.ts";
import { CacheWriteBuffer } from "./cache-write-buffer.ts";
import { resolved, type ChatNameResolution, type ChatNameUpdate } from "./chat-name.ts";
import { MemoryTier } from "./memory-tier.ts";
import { ChatNameResolver } from "./resolver.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Fixture {
  resolver: ChatNameResolver;
  apiCalls: string[];
  cacheReads: string[][];
  written: ChatNameUpdate[];
  learned: ChatNameUpdate[];
  memory: MemoryTier;
}

function fixture(options: { names?: Record<string, string>; cached?: Record<string, string>; cachedAt?: Record<string, number>; apiDelayMs?: number; cacheDelayMs?: (call: number) => number; budgetMs?: number; failing?: boolean; now?: () => number; concurrency?: number } = {}): Fixture {
  const apiCalls: string[] = [];
  const cacheReads: string[][] = [];
  const written: ChatNameUpdate[] = [];
  const learned: ChatNameUpdate[] = [];
  const memory = new MemoryTier({ maxEntries: 1_000, ttlMs: 600_000, negativeTtlMs: 60_000, revalidateMs: 60_000, ...(options.now ? { now: options.now } : {}) });
  const client: PeriskopeClient = {
    async getChat(chatId) {
      apiCalls.push(chatId);
      await sleep(options.apiDelayMs ?? 1);
      if (options.failing) throw Object.assign(new Error("503"), { code: "HTTP_503" });
      const name = options.names?.[chatId];
      return name === undefined ? null : ({ chat_id: chatId, chat_name: name, chat_type: "group" } as unknown as Chat);
    },
    async listChats() {
      throw new Error("not used");
    },
    onCircuitStateChange: () => ({ dispose() {} }),
  };
  const cache = {
    async lookup(ids: readonly string[]) {
      cacheReads.push([...ids]);
      await sleep(options.cacheDelayMs?.(cacheReads.length) ?? 0);
      const found = new Map<string, ChatNameResolution>();
      for (const id of ids) if (options.cached?.[id]) found.set(id, resolved(options.cached[id]!, undefined, options.cachedAt?.[id]));
      return found;
    },
  } as unknown as CacheIndex;
  const writeBack = new CacheWriteBuffer({
    maxDelayMs: 1,
    write: async (u) => {
      written.push(...u);
      return { written: u, superseded: [], failed: 0, retry: [] };
    },
  });
  const resolver = new ChatNameResolver({
    memory,
    cache,
    api: new ApiTier({ client, concurrency: options.concurrency ?? 4, maxQueued: 1_000 }),
    writeBack,
    budgetMs: options.budgetMs ?? 1_000,
    readCache: (lookup) => lookup(),
    onLearned: (u) => learned.push(...u),
  });
  return { resolver, apiCalls, cacheReads, written, learned, memory };
}

const chats = (...ids: string[]) => new Map(ids.map((id) => [id, undefined] as const));

describe("ChatNameResolver", () => {
  it("asks each tier only for the misses of the one above", async () => {
    const f = fixture({ cached: { b: "Cached B" }, names: { c: "Api C" } });
    f.memory.rememberName("a", "Memory A");
    const result = await f.resolver.resolve(chats("a", "b", "c", "d"));
    expect(f.cacheReads).toEqual([["b", "c", "d"]]);
    expect(f.apiCalls.sort()).toEqual(["c", "d"]);
    expect(Object.fromEntries(result)).toEqual({
      a: { status: "resolved", name: "Memory A" },
      b: { status: "resolved", name: "Cached B" },
      c: { status: "resolved", name: "Api C", chatType: "group" },
      d: { status: "unresolved", reason: "unknown" },
    });
    await f.resolver.settled();
    expect(f.written.map((u) => u.chatId)).toEqual(["c"]);
    // b is new to memory: filled once from the cache index's name (a fill a dead worker queued is redone).
    expect(f.learned.map((u) => u.chatId)).toEqual(["b", "c"]);
    // Everything is in memory now, including the negative answer.
    await f.resolver.resolve(chats("a", "b", "c", "d"));
    expect(f.apiCalls).toHaveLength(2);
  });

  it("makes one API call for a chat missed by many concurrent batches", async () => {
    const f = fixture({ names: { x: "X" }, apiDelayMs: 30 });
    const results = await Promise.all(Array.from({ length: 20 }, () => f.resolver.resolve(chats("x"))));
    expect(results.every((r) => r.get("x")?.status === "resolved")).toBe(true);
    expect(f.apiCalls).toEqual(["x"]);
  });

  it("makes no second call when a lookup finishes while another batch reads the cache", async () => {
    // Batch 2 misses memory, then its cache read outlasts batch 1's API call.
    const f = fixture({ names: { x: "X" }, apiDelayMs: 5, cacheDelayMs: (call) => (call === 2 ? 40 : 0) });
    const first = f.resolver.resolve(chats("x"));
    await sleep(1);
    const second = f.resolver.resolve(chats("x"));
    await Promise.all([first, second]);
    expect(f.apiCalls).toEqual(["x"]);
    expect((await second).get("x")).toEqual({ status: "resolved", name: "X", chatType: "group" });
  });

  it("answers pending past the budget, and announces the name when the lookup lands", async () => {
    const f = fixture({ names: { slow: "Slow" }, apiDelayMs: 80, budgetMs: 10 });
    const result = await f.resolver.resolve(chats("slow"));
    expect(result.get("slow")).toEqual({ status: "unresolved", reason: "pending" });
    expect(f.learned).toEqual([]);
    await f.resolver.settled();
    expect(f.learned.map((u) => u.chatName)).toEqual(["Slow"]);
    expect(f.memory.nameOf("slow")).toBe("Slow");
  });

  it("drops lookups still queued when their batch's budget has passed, keeping the one that started", async () => {
    const f = fixture({ names: { a: "A", b: "B", c: "C" }, apiDelayMs: 60, budgetMs: 20, concurrency: 1 });
    const result = await f.resolver.resolve(chats("a", "b", "c"));
    expect([...result.values()].every((r) => r.status === "unresolved" && r.reason === "pending")).toBe(true);
    await f.resolver.settled();
    expect(f.apiCalls).toEqual(["a"]);
    expect(f.learned.map((u) => u.chatId)).toEqual(["a"]);
    expect(f.memory.get("b")).toBeUndefined(); // not remembered as unknown: asked again later
  });

  it("reports failed lookups as unavailable without remembering them", async () => {
    const f = fixture({ failing: true });
    const result = await f.resolver.resolve(chats("a"));
    expect(result.get("a")).toEqual({ status: "unresolved", reason: "unavailable" });
    expect(f.memory.get("a")).toBeUndefined();
  });

  it("compares names due for revalidation with the cache index in the batch's one mget; a rename is served, remembered and filled", async () => {
    let now = 0;
    const cached: Record<string, string> = { a: "Alpha", b: "Bravo", n: "New chat" };
    const f = fixture({ cached, now: () => now });
    f.memory.rememberName("a", "Alpha");
    f.memory.rememberName("b", "Bravo");
    await f.resolver.resolve(chats("a", "b"));
    expect(f.cacheReads).toEqual([]); // fresh in memory: no read at all

    now += 60_000;
    cached.b = "Bravo (renamed by a refresh)";
    const result = await f.resolver.resolve(chats("a", "b", "n"));
    expect(f.cacheReads).toEqual([["n", "a", "b"]]);
    expect(result.get("a")).toEqual(resolved("Alpha"));
    expect(result.get("b")).toEqual(resolved("Bravo (renamed by a refresh)"));
    expect(f.memory.nameOf("b")).toBe("Bravo (renamed by a refresh)");
    expect(f.learned).toEqual([
      { chatId: "b", chatName: "Bravo (renamed by a refresh)", source: "cache" },
      { chatId: "n", chatName: "New chat", source: "cache" },
    ]);
    expect(f.apiCalls).toEqual([]);
    await f.resolver.settled();
    expect(f.written).toEqual([]); // the cache index already has it

    // Both are checked now: the next batches read nothing until the interval passes again.
    await f.resolver.resolve(chats("a", "b"));
    expect(f.cacheReads).toHaveLength(1);
  });

  it("keeps the remembered name when the cache index has none for a chat due for revalidation", async () => {
    let now = 0;
    const f = fixture({ now: () => now });
    f.memory.rememberName("a", "Alpha");
    now += 60_000;
    expect((await f.resolver.resolve(chats("a"))).get("a")).toEqual(resolved("Alpha"));
    expect(f.cacheReads).toEqual([["a"]]);
    expect(f.learned).toEqual([]);
    await f.resolver.resolve(chats("a"));
    expect(f.cacheReads).toHaveLength(1);
  });

  it("ignores a replayed rename older than the remembered name: memory and fills keep the newer one (the batch writes learned names itself)", async () => {
    const f = fixture();
    f.resolver.learn([{ chatId: "g", chatName: "Renamed", source: "webhook", changedAt: 2_000 }]);
    f.resolver.learn([{ chatId: "g", chatName: "Original", source: "webhook", changedAt: 1_000 }]);
    await f.resolver.settled();
    expect(f.memory.nameOf("g")).toBe("Renamed");
    expect(f.written).toEqual([]);
    expect(f.learned.map((u) => u.chatName)).toEqual(["Renamed"]);
  });

  it("keeps a remembered name over an older one the cache index still holds at revalidation", async () => {
    let now = 0;
    const f = fixture({ cached: { g: "Original" }, cachedAt: { g: 1_000 }, now: () => now });
    f.resolver.learn([{ chatId: "g", chatName: "Renamed", source: "webhook", changedAt: 2_000 }]);
    now += 60_000;
    const names = await f.resolver.resolve(chats("g"));
    expect(names.get("g")).toEqual(resolved("Renamed", undefined));
    expect(f.memory.nameOf("g")).toBe("Renamed");
    expect(f.memory.isDue("g")).toBe(false);
    expect(f.learned.map((u) => u.chatName)).toEqual(["Renamed"]);
  });
});
