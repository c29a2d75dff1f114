/**
 * `fillChatNames` (used by the worker and the backfill command) against real Elasticsearch: only
 * messages of the given chats whose name is missing, unresolved or different are updated, across
 * many pages, with core APIs only.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fillChatNames } from "../src/chat-names/index.ts";
import { createTestStack, type TestStack } from "./support/test-stack.ts";
import { allDocuments } from "./support/wait.ts";

interface Doc {
  message_id: string;
  chat_id: string;
  chat_name?: string | null;
  chat_name_status?: string;
  chat_type?: string;
  body: string;
}

let stack: TestStack;

beforeAll(async () => {
  stack = await createTestStack("fill");
});

afterAll(async () => {
  await stack?.cleanup();
});

describe("fillChatNames", () => {
  it("fills missing, unresolved and stale names on the given chats only, page after page", async () => {
    const docs: Doc[] = [];
    for (let i = 0; i < 250; i++) docs.push({ message_id: `a-${i}`, chat_id: "a@g.us", chat_name: null, chat_name_status: "unresolved", body: `a${i}` });
    for (let i = 0; i < 30; i++) docs.push({ message_id: `b-${i}`, chat_id: "b@c.us", body: `b${i}` }); // no name fields at all
    for (let i = 0; i < 20; i++) docs.push({ message_id: `c-${i}`, chat_id: "c@g.us", chat_name: i < 10 ? "Old name" : "New name", chat_name_status: "resolved", body: `c${i}` });
    for (let i = 0; i < 10; i++) docs.push({ message_id: `z-${i}`, chat_id: "z@g.us", chat_name: null, chat_name_status: "unresolved", body: `z${i}` });
    await stack.es.bulk({
      refresh: true,
      operations: docs.flatMap((d) => [{ index: { _index: stack.indices.messages, _id: d.message_id, version: 1_750_000_000_000, version_type: "external_gte" } }, d]),
    });

    const progress: number[] = [];
    const result = await fillChatNames(
      stack.es,
      stack.indices.messages,
      [
        { chatId: "a@g.us", chatName: "Alpha", chatType: "group" },
        { chatId: "b@c.us", chatName: "Bravo" },
        { chatId: "c@g.us", chatName: "New name" },
      ],
      { pageSize: 40, onPage: (page) => progress.push(page.updated) },
    );
    expect(result).toEqual({ updated: 250 + 30 + 10, failed: 0 });
    expect(progress.length).toBeGreaterThan(5);

    const after = await allDocuments<Doc>(stack.es, stack.indices.messages);
    for (const doc of after.values()) {
      if (doc.chat_id === "a@g.us") expect(doc).toMatchObject({ chat_name: "Alpha", chat_name_status: "resolved", chat_type: "group" });
      if (doc.chat_id === "b@c.us") expect(doc).toMatchObject({ chat_name: "Bravo", chat_name_status: "resolved" });
      if (doc.chat_id === "c@g.us") expect(doc.chat_name).toBe("New name");
      if (doc.chat_id === "z@g.us") expect(doc).toMatchObject({ chat_name: null, chat_name_status: "unresolved" });
      // The rest of the document is untouched.
      expect(doc.body).toBe(docs.find((d) => d.message_id === doc.message_id)!.body);
    }
    // Filled documents moved one version step; the others kept theirs.
    expect(after.get("a-0")?._version).toBe(1_750_000_000_001);
    expect(after.get("c-15")?._version).toBe(1_750_000_000_000);

    // Nothing left to do: a second run updates nothing.
    await stack.es.indices.refresh({ index: stack.indices.messages });
    expect(await fillChatNames(stack.es, stack.indices.messages, [{ chatId: "a@g.us", chatName: "Alpha" }])).toEqual({ updated: 0, failed: 0 });
  });
});
