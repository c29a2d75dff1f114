/**
 * `backfill-chat-names` against real Elasticsearch: messages with a missing, unresolved or stale
 * name get the cached one; `chat_id` and `since` narrow it; messages of chats without a cached name
 * are reported, not touched.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newCommand, type CommandArgs } from "@periskope-pipeline/commands";
import { publishCommand } from "../publish-command.ts";
import type { StoredRun } from "../run-record.ts";
import { startCommands, type CommandRunner } from "../start-commands.ts";
import { createHarness, seedCache, seedMessages, type Harness } from "../../../test/support/command-harness.ts";

let h: Harness;
let runner: CommandRunner;

beforeAll(async () => {
  h = await createHarness({ chats: 10, seed: "backfill" });
  // Small batches and groups of chats, so paging and throttling are exercised.
  runner = await startCommands(h.deps({ settings: { backfillBatchSize: 7, backfillPauseMs: 5 } }));
}, 120_000);

afterAll(async () => {
  await runner?.stop();
  await h?.cleanup();
});

async function backfill(args: CommandArgs<"backfill-chat-names">): Promise<StoredRun> {
  const command = newCommand({ type: "backfill-chat-names", args }, "test");
  await publishCommand(h.pubsub, h.topology.commandsTopic, command);
  return h.waitForRun(command.command_id);
}

async function names(): Promise<Map<string, { name: string | null; status: string }>> {
  await h.es.indices.refresh({ index: h.indices.messages });
  const response = await h.es.search<{ chat_name: string | null; chat_name_status: string }>({ index: h.indices.messages, size: 1_000 });
  return new Map(response.hits.hits.map((hit) => [hit._id as string, { name: hit._source?.chat_name ?? null, status: hit._source?.chat_name_status as string }]));
}

describe("backfill-chat-names", () => {
  it("sets the cached name on messages where it is missing, unresolved or stale", async () => {
    await seedCache(h.es, h.indices.chatNames, [
      { chatId: "a@g.us", chatName: "Alpha" },
      { chatId: "b@g.us", chatName: "Bravo" },
      { chatId: "c@g.us", chatName: "Charlie" },
    ]);
    await seedMessages(h.es, h.indices.messages, [
      ...Array.from({ length: 20 }, (_, i) => ({ messageId: `a-${i}`, chatId: "a@g.us", chatName: null })),
      ...Array.from({ length: 10 }, (_, i) => ({ messageId: `b-${i}`, chatId: "b@g.us", chatName: "Bravo (old)" })),
      ...Array.from({ length: 5 }, (_, i) => ({ messageId: `c-${i}`, chatId: "c@g.us", chatName: "Charlie" })),
      ...Array.from({ length: 3 }, (_, i) => ({ messageId: `x-${i}`, chatId: "unknown@g.us", chatName: null })),
    ]);

    const run = await backfill({});

    expect(run.status).toBe("succeeded");
    // 30 fixed; the 5 already right were never read; the 3 of an uncached chat stay unresolved.
    expect(run.stats).toMatchObject({ chats: 3, messages_updated: 30, messages_failed: 0, unresolved_remaining: 3 });
    const after = await names();
    for (let i = 0; i < 20; i++) expect(after.get(`a-${i}`)).toEqual({ name: "Alpha", status: "resolved" });
    for (let i = 0; i < 10; i++) expect(after.get(`b-${i}`)).toEqual({ name: "Bravo", status: "resolved" });
    expect(after.get("x-0")).toEqual({ name: null, status: "unresolved" });

    const again = await backfill({});
    expect(again.stats).toMatchObject({ messages_updated: 0 });
  });

  it("only touches the chat it is given, and only messages indexed since the given time", async () => {
    await seedCache(h.es, h.indices.chatNames, [
      { chatId: "a@g.us", chatName: "Alpha 2" },
      { chatId: "b@g.us", chatName: "Bravo 2" },
    ]);
    const onlyA = await backfill({ chat_id: "a@g.us" });
    expect(onlyA.stats).toMatchObject({ chats: 1, messages_updated: 20 });
    const after = await names();
    expect(after.get("a-0")?.name).toBe("Alpha 2");
    expect(after.get("b-0")?.name).toBe("Bravo");

    const future = new Date(Date.now() + 3_600_000).toISOString();
    const none = await backfill({ since: future });
    expect(none.stats).toMatchObject({ messages_updated: 0 });
    expect((await names()).get("b-0")?.name).toBe("Bravo");
  });
});
