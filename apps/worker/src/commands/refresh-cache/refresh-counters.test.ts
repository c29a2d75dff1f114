import { describe, expect, it } from "vitest";
import { countChat, readCheckpoint, sumCounts, zeroCounts } from "./refresh-counters.ts";

describe("refresh counters", () => {
  it("sums phones' counts", () => {
    const a = { ...zeroCounts(), total_chats: 3, newly_cached: 2, already_cached: 1, pages: 1 };
    const b = { ...zeroCounts(), total_chats: 5, renamed: 1, already_cached: 5, pages: 2 };
    expect(sumCounts([a, b])).toEqual({ total_chats: 8, newly_cached: 2, already_cached: 6, renamed: 1, unnamed: 0, pages: 3 });
  });

  it("counts every chat in exactly one of newly and already cached, renamed and unnamed beside them", () => {
    const counts = zeroCounts();
    for (const verdict of ["new", "new", "same", "renamed", "unnamed-new", "unnamed-held"] as const) countChat(counts, verdict);
    expect(counts).toEqual({ total_chats: 6, newly_cached: 3, already_cached: 3, renamed: 1, unnamed: 2, pages: 0 });
    expect(counts.newly_cached + counts.already_cached).toBe(counts.total_chats);
  });

  it("reads back a checkpoint it wrote", () => {
    const checkpoint = { phones: { "447700900123": { offset: 4000, done: false, counts: { ...zeroCounts(), total_chats: 4000, newly_cached: 4000, pages: 2 } } }, api_calls: 3, elapsed_ms: 900 };
    expect(readCheckpoint(structuredClone(checkpoint))).toEqual(checkpoint);
  });

  it("ignores a checkpoint of another shape instead of resuming from nonsense", () => {
    expect(readCheckpoint(undefined)).toBeUndefined();
    expect(readCheckpoint({ after_chat_id: "x", counters: {} })).toBeUndefined();
    expect(readCheckpoint({ phones: { p: { offset: 1, done: false, counts: { total_chats: "many" } } }, api_calls: 1 })).toBeUndefined();
  });
});
