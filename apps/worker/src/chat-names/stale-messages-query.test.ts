import { describe, expect, it } from "vitest";
import { staleMessagesQuery } from "./stale-messages-query.ts";

describe("staleMessagesQuery", () => {
  it("matches, per chat, messages whose name is not the cached one", () => {
    const query = staleMessagesQuery([{ chatId: "a@g.us", chatName: "Ops" }], undefined);
    expect(query.bool.filter).toEqual([
      {
        bool: {
          should: [{ bool: { filter: [{ term: { chat_id: "a@g.us" } }], must_not: [{ term: { "chat_name.keyword": "Ops" } }] } }],
          minimum_should_match: 1,
        },
      },
    ]);
  });

  it("adds the since bound on indexed_at when given", () => {
    const query = staleMessagesQuery([{ chatId: "a@g.us", chatName: "Ops" }], "2025-06-18T00:00:00Z");
    expect(query.bool.filter[0]).toEqual({ range: { indexed_at: { gte: "2025-06-18T00:00:00Z" } } });
  });
});
