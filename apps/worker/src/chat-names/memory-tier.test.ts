import { describe, expect, it } from "vitest";
import { MemoryTier } from "./memory-tier.ts";

describe("MemoryTier", () => {
  it("returns remembered names with their chat type, and undefined on a miss", () => {
    const tier = new MemoryTier({ maxEntries: 10, ttlMs: 60_000, negativeTtlMs: 1_000 });
    tier.rememberName("a@g.us", "Ops", "group");
    expect(tier.get("a@g.us")).toEqual({ status: "resolved", name: "Ops", chatType: "group" });
    expect(tier.get("b@g.us")).toBeUndefined();
  });

  it("remembers unknown chats for the shorter negative TTL only", () => {
    let now = 1_000;
    const tier = new MemoryTier({ maxEntries: 10, ttlMs: 60_000, negativeTtlMs: 1_000, now: () => now });
    tier.rememberUnknown("x@c.us");
    tier.rememberName("y@c.us", "Dana");
    expect(tier.get("x@c.us")).toEqual({ status: "unresolved", reason: "unknown" });
    now += 1_500;
    expect(tier.get("x@c.us")).toBeUndefined();
    expect(tier.nameOf("y@c.us")).toBe("Dana");
    now += 60_000;
    expect(tier.get("y@c.us")).toBeUndefined();
  });

  it("never replaces a known name with unknown, but a name replaces unknown", () => {
    const tier = new MemoryTier({ maxEntries: 10, ttlMs: 60_000, negativeTtlMs: 60_000 });
    tier.rememberName("a", "Name");
    tier.rememberUnknown("a");
    expect(tier.nameOf("a")).toBe("Name");
    tier.rememberUnknown("b");
    tier.rememberName("b", "Later");
    expect(tier.nameOf("b")).toBe("Later");
  });

  it("stays within its entry bound, evicting the least recently used", () => {
    const tier = new MemoryTier({ maxEntries: 100, ttlMs: 60_000, negativeTtlMs: 1_000 });
    for (let i = 0; i < 250; i++) tier.rememberName(`c${i}`, `n${i}`);
    expect(tier.size).toBe(100);
    expect(tier.get("c0")).toBeUndefined();
    expect(tier.nameOf("c249")).toBe("n249");
  });

  it("makes a remembered name due for revalidation after revalidateMs, until it is checked again", () => {
    let now = 0;
    const tier = new MemoryTier({ maxEntries: 10, ttlMs: 600_000, negativeTtlMs: 1_000, revalidateMs: 60_000, now: () => now });
    tier.rememberName("a", "Ops");
    tier.rememberUnknown("u");
    now += 59_999;
    expect(tier.isDue("a")).toBe(false);
    now += 1;
    expect(tier.isDue("a")).toBe(true);
    expect(tier.isDue("u")).toBe(false);
    expect(tier.isDue("missing")).toBe(false);
    tier.markChecked("a");
    expect(tier.isDue("a")).toBe(false);
    expect(tier.nameOf("a")).toBe("Ops");
    now += 60_000;
    expect(tier.isDue("a")).toBe(true);
    tier.rememberName("a", "Ops renamed");
    expect(tier.isDue("a")).toBe(false);
  });

  it("orders names by change time: an older name is refused, an equal or unknown time is taken", () => {
    const tier = new MemoryTier({ maxEntries: 10, ttlMs: 60_000, negativeTtlMs: 1_000 });
    expect(tier.rememberName("g", "Renamed", "group", 2_000)).toBe(true);
    expect(tier.rememberName("g", "Original", "group", 1_000)).toBe(false);
    expect(tier.get("g")).toEqual({ status: "resolved", name: "Renamed", chatType: "group" });
    expect(tier.rememberName("g", "Same instant", "group", 2_000)).toBe(true);
    expect(tier.rememberName("g", "From an answer without a time", "group")).toBe(true);
    expect(tier.nameOf("g")).toBe("From an answer without a time");
  });
});
