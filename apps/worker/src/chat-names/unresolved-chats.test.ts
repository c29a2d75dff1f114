import { describe, expect, it } from "vitest";
import { UnresolvedChats } from "./unresolved-chats.ts";

describe("UnresolvedChats", () => {
  it("offers for retry only chats that failed for lack of an API, not unknown ones", () => {
    const chats = new UnresolvedChats();
    chats.track("down", "unavailable", "1@c.us");
    chats.track("slow", "pending", undefined);
    chats.track("nobody", "unknown", undefined);
    expect(chats.retryable()).toEqual(new Map([["down", "1@c.us"], ["slow", undefined]]));
  });

  it("drops resolved chats and keeps the new reason of the others", () => {
    const chats = new UnresolvedChats();
    chats.track("a", "unavailable", undefined);
    chats.track("b", "unavailable", undefined);
    chats.update(new Map([["a", { status: "resolved", name: "A" }], ["b", { status: "unresolved", reason: "unknown" }]]));
    expect(chats.has("a")).toBe(false);
    expect(chats.retryable().size).toBe(0);
    expect(chats.has("b")).toBe(true);
  });

  it("stays within its bound, forgetting the oldest chat first", () => {
    const sizes: number[] = [];
    const chats = new UnresolvedChats({ maxChats: 2, onSizeChange: (n) => sizes.push(n) });
    chats.track("a", "unavailable", undefined);
    chats.track("b", "unavailable", undefined);
    chats.track("c", "unavailable", undefined);
    expect(chats.has("a")).toBe(false);
    expect(chats.size).toBe(2);
    expect(sizes.at(-1)).toBe(2);
  });

  it("seeds chats found unresolved in the index as worth asking again, keeping what it already knows", () => {
    const chats = new UnresolvedChats();
    chats.track("nobody", "unknown", undefined);
    chats.seed(new Map([["nobody", undefined], ["left", "1@c.us"]]));
    expect(chats.retryable()).toEqual(new Map([["left", "1@c.us"]]));
    expect(chats.size).toBe(2);
  });
});
