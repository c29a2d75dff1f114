/**
 * `refresh-cache` end to end: published on the commands topic, run by the command runner against
 * the real Elasticsearch, emulator and the Periskope simulator.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newCommand } from "@periskope-pipeline/commands";
import { publishCommand } from "../publish-command.ts";
import { startCommands, type CommandRunner } from "../start-commands.ts";
import { createHarness, seedCache, seedMessages, type Harness } from "../../../test/support/command-harness.ts";

const CHATS = 5_000;
const CACHED = 1_200;
const OLD_NAMES = 200;

let h: Harness;
let runner: CommandRunner;

beforeAll(async () => {
  h = await createHarness({ chats: CHATS, seed: "refresh-int" });
  runner = await startCommands(h.deps());
}, 120_000);

afterAll(async () => {
  await runner?.stop();
  await h?.cleanup();
});

async function run(args: Record<string, unknown> = {}, id?: string) {
  const command = newCommand({ type: "refresh-cache", args } as never, "test", id);
  await publishCommand(h.pubsub, h.topology.commandsTopic, command);
  return h.waitForRun(command.command_id);
}

async function cachedName(chatId: string): Promise<string | undefined> {
  const doc = await h.es.get<{ chat_name?: string }>({ index: h.indices.chatNames, id: chatId }, { ignore: [404] });
  return doc.found ? doc._source?.chat_name : undefined;
}

describe("refresh-cache", () => {
  it("caches every chat of both phones, counts new, cached and renamed ones, and fills renamed chats' messages", async () => {
    const ids = h.sim.chatIds();
    expect(ids).toHaveLength(CHATS);
    // 1,200 already cached, 200 of them under an old name; messages of those 200 carry the old name.
    const cached = ids.slice(0, CACHED).map((chatId, i) => ({ chatId, chatName: i < OLD_NAMES ? `Old name ${i}` : (h.sim.getChat(chatId)?.chat_name as string) }));
    await seedCache(h.es, h.indices.chatNames, cached);
    const renamed = cached.slice(0, OLD_NAMES);
    // 50 chats not cached yet had messages indexed unresolved (the API was down back then).
    const unresolved = ids.slice(CACHED, CACHED + 50);
    await seedMessages(h.es, h.indices.messages, [
      ...renamed.flatMap((c, i) => [
        { messageId: `m-${i}-a`, chatId: c.chatId, chatName: c.chatName },
        { messageId: `m-${i}-b`, chatId: c.chatId, chatName: c.chatName },
      ]),
      ...unresolved.map((chatId, i) => ({ messageId: `u-${i}`, chatId, chatName: null })),
    ]);
    h.sim.resetStats();

    const first = await run();

    expect(first.status).toBe("succeeded");
    expect(first.stats).toMatchObject({ total_chats: 5_000, newly_cached: 3_800, already_cached: 1_200, renamed: 200, unnamed: 0, dry_run: false });
    // 2,500 chats per phone in pages of 2,000: 2 pages each, the second one short.
    expect(first.stats?.pages).toBe(4);
    expect(first.stats?.api_calls).toBe(4);
    expect(h.sim.stats().byRoute.getChat).toBeUndefined();
    await h.es.indices.refresh({ index: [h.indices.chatNames, h.indices.messages] });
    expect((await h.es.count({ index: h.indices.chatNames })).count).toBe(5_000);
    const renamedChat = renamed[7]?.chatId as string;
    expect(await cachedName(renamedChat)).toBe(h.sim.getChat(renamedChat)?.chat_name);

    // Messages of renamed chats carry the new name; those of newly cached chats got theirs.
    const messages = await h.es.search<{ chat_id: string; chat_name: string; chat_name_status: string }>({ index: h.indices.messages, size: 1_000 });
    expect(messages.hits.hits).toHaveLength(2 * OLD_NAMES + 50);
    for (const hit of messages.hits.hits) {
      expect(hit._source?.chat_name).toBe(h.sim.getChat(hit._source?.chat_id as string)?.chat_name);
      expect(hit._source?.chat_name_status).toBe("resolved");
    }
    // The worker was asked to fill exactly the new or renamed chats that have messages.
    expect(new Set(h.chatNameUpdates.map((u) => u.chatId))).toEqual(new Set([...renamed.map((c) => c.chatId), ...unresolved]));
    expect(first.progress).toMatchObject({ phones_total: 2, phones_done: 2 });
  });

  it("finds nothing new on a second run", async () => {
    const second = await run();
    expect(second.stats).toMatchObject({ total_chats: 5_000, newly_cached: 0, already_cached: 5_000, renamed: 0 });
  });

  it("picks up a chat renamed since the last run", async () => {
    const chatId = h.sim.chatIds()[4_321] as string;
    h.sim.renameChat(chatId, "Renamed just now");
    const third = await run();
    expect(third.stats).toMatchObject({ total_chats: 5_000, newly_cached: 0, renamed: 1 });
    expect(await cachedName(chatId)).toBe("Renamed just now");
  });

  it("counts unnamed chats in newly or already cached, so the counts add up to the chats listed", async () => {
    const namedBefore = h.sim.chatIds()[100] as string;
    const knownName = await cachedName(namedBefore);
    expect(knownName).toBeTruthy();
    h.sim.renameChat(namedBefore, null);
    const nameless = "447700900999@c.us";
    h.sim.upsertChat(h.sim.phones[0] as string, { chat_id: nameless, chat_name: null });

    const run1 = await run();
    expect(run1.stats).toMatchObject({ total_chats: 5_001, newly_cached: 1, already_cached: 5_000, renamed: 0, unnamed: 2 });
    // The name a webhook or an earlier refresh brought stays; the unknown chat is recorded without one.
    expect(await cachedName(namedBefore)).toBe(knownName);
    const record = await h.es.get<{ chat_name?: string | null; source?: string }>({ index: h.indices.chatNames, id: nameless });
    expect(record._source).toMatchObject({ chat_name: null, source: "refresh" });

    h.sim.renameChat(nameless, "Named at last");
    const run2 = await run();
    expect(run2.stats).toMatchObject({ total_chats: 5_001, newly_cached: 1, already_cached: 5_000, unnamed: 1 });
    expect(await cachedName(nameless)).toBe("Named at last");
  });

  it("in a dry run counts what would change and writes nothing", async () => {
    const chatId = h.sim.chatIds()[10] as string;
    h.sim.renameChat(chatId, "Dry run name");
    const dry = await run({ dry_run: true });
    expect(dry.stats).toMatchObject({ renamed: 1, dry_run: true });
    expect(await cachedName(chatId)).not.toBe("Dry run name");
  });

  it("honours the phones and chat_type arguments", async () => {
    const phone = h.sim.phones[1] as string;
    h.sim.resetStats();
    const onePhone = await run({ phones: [phone], chat_type: "group" });
    const groups = h.sim.chatIds({ phone }).filter((id) => h.sim.getChat(id)?.chat_type === "group").length;
    expect(groups).toBeGreaterThan(0);
    expect(onePhone.stats?.total_chats).toBe(groups);
    expect(Object.keys(h.sim.stats().listChatsCalls)).toEqual([phone]);
  });

  it("runs a command id published twice only once", async () => {
    const command = newCommand({ type: "refresh-cache", args: {} }, "test");
    await publishCommand(h.pubsub, h.topology.commandsTopic, command);
    await publishCommand(h.pubsub, h.topology.commandsTopic, command);
    const done = await h.waitForRun(command.command_id);
    // Let the duplicate delivery be handled too, then check that it changed nothing.
    await new Promise((r) => setTimeout(r, 1_500));
    const again = await h.waitForRun(command.command_id);
    expect(again.attempt).toBe(1);
    expect(again.finished_at).toBe(done.finished_at);
  });
});
