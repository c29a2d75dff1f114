import { describe, expect, it } from "vitest";
import type { ChatPage, ListChatsOptions, PeriskopeClient } from "@periskope-pipeline/periskope";
import { chatPages } from "./chat-pages.ts";

function fakeClient(total: number, calls: ListChatsOptions[] = []): PeriskopeClient {
  return {
    getChat: async () => null,
    listChats: async (options) => {
      calls.push(options);
      const n = Math.max(0, Math.min(options.limit, total - options.offset));
      const chats = Array.from({ length: n }, (_, i) => ({ chat_id: `c${options.offset + i}` })) as ChatPage["chats"];
      return { from: null, to: null, count: null, chats, skipped: 0 };
    },
    onCircuitStateChange: () => ({ dispose() {} }),
  };
}

async function collect(client: PeriskopeClient, offset = 0, limit = 10) {
  const pages = [];
  for await (const page of chatPages(client, { phone: "447700900123", offset, limit, signal: new AbortController().signal })) pages.push(page);
  return pages;
}

describe("chatPages", () => {
  it("pages by item offset and stops on the first short page", async () => {
    const calls: ListChatsOptions[] = [];
    const pages = await collect(fakeClient(25, calls));
    expect(pages.map((p) => [p.offset, p.page.chats.length, p.last])).toEqual([
      [0, 10, false],
      [10, 10, false],
      [20, 5, true],
    ]);
    expect(calls.map((c) => c.offset)).toEqual([0, 10, 20]);
  });

  it("asks once more after an exactly full last page and stops on the empty one", async () => {
    const pages = await collect(fakeClient(20));
    expect(pages.map((p) => p.page.chats.length)).toEqual([10, 10, 0]);
  });

  it("resumes from a checkpoint's offset", async () => {
    const pages = await collect(fakeClient(25), 20);
    expect(pages.map((p) => p.offset)).toEqual([20]);
  });

  it("counts unparseable items as served, so they do not end paging early", async () => {
    const client: PeriskopeClient = {
      onCircuitStateChange: () => ({ dispose() {} }),
      getChat: async () => null,
      listChats: async ({ offset }) =>
        offset === 0
          ? { from: null, to: null, count: null, chats: Array.from({ length: 8 }, (_, i) => ({ chat_id: `c${i}` })) as ChatPage["chats"], skipped: 2 }
          : { from: null, to: null, count: null, chats: [], skipped: 0 },
    };
    const pages = await collect(client);
    expect(pages.map((p) => [p.offset, p.nextOffset])).toEqual([
      [0, 10],
      [10, 10],
    ]);
  });

  it("reads the next page ahead while the caller handles the current one", async () => {
    const calls: ListChatsOptions[] = [];
    const iterator = chatPages(fakeClient(25, calls), { phone: "447700900123", offset: 0, limit: 10, signal: new AbortController().signal });
    await iterator.next();
    expect(calls.map((c) => c.offset)).toEqual([0, 10]);
    await iterator.return(undefined);
  });
});
