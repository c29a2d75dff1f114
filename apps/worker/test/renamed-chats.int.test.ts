/**
 * A renamed chat's messages end with its latest name (issue 10, the chaos bench's
 * `wrong_or_missing_name`), whatever order the name events come in and whichever replica holds
 * what in memory. Each case is a path by which messages once kept an older name.
 */
import { chatCreated, messageCreated, subjectNotification } from "@periskope-pipeline/testkit";
import type { ElasticsearchClient } from "@periskope-pipeline/elasticsearch";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { CacheIndex } from "../src/chat-names/index.ts";
import { fillChatNames } from "../src/chat-names/fill-chat-names.ts";
import { startWorker, type RunningWorker } from "./support/in-process-worker.ts";
import { publishBodies } from "./support/publish.ts";
import { createTestStack, type TestStack } from "./support/test-stack.ts";
import { waitFor, waitForCount } from "./support/wait.ts";

let stack: TestStack;
let cache: CacheIndex;
const workers: RunningWorker[] = [];

beforeAll(async () => {
  stack = await createTestStack("renamed");
  cache = new CacheIndex(stack.es, stack.indices.chatNames);
});

afterEach(async () => {
  for (const worker of workers.splice(0)) await worker.stop();
});

afterAll(async () => {
  await stack?.cleanup();
});

function start(options: Parameters<typeof startWorker>[1] = {}): RunningWorker {
  const worker = startWorker(stack, options);
  workers.push(worker);
  return worker;
}

function publishMessages(chatId: string, seed: string, from: number, count: number) {
  return publishBodies(stack.pubsub, stack.topology.eventsTopic, Array.from({ length: count }, (_, i) => messageCreated({ seed, index: from + i, chatId })));
}

/** The chat's messages' names, as searchable now. */
async function namesOf(chatId: string): Promise<{ count: number; names: Set<unknown> }> {
  await stack.es.indices.refresh({ index: stack.indices.messages });
  const result = await stack.es.search<{ chat_name?: unknown }>({ index: stack.indices.messages, size: 1_000, query: { term: { chat_id: chatId } }, _source: ["chat_name"] });
  return { count: result.hits.hits.length, names: new Set(result.hits.hits.map((hit) => hit._source?.chat_name)) };
}

/** Messages another replica indexed under `name` (what a killed worker leaves behind). */
async function indexedElsewhere(chatId: string, name: string, count: number): Promise<void> {
  const operations = Array.from({ length: count }, (_, i) => [
    { index: { _index: stack.indices.messages, _id: `${chatId}-m${i}` } },
    { message_id: `${chatId}-m${i}`, chat_id: chatId, chat_name: name, chat_name_status: "resolved", body: "hi", indexed_at: new Date().toISOString() },
  ]).flat();
  const response = await stack.es.bulk({ operations, refresh: true });
  expect(response.errors).toBe(false);
}

describe("a renamed chat's messages keep its latest name", () => {
  it("a chat.created older than the rename the cache index holds, reaching a replica that does not remember the chat, regresses neither its memory nor the chat's messages", async () => {
    const chatId = "120363499990001001@g.us";
    await cache.write([{ chatId, chatName: "Ops (renamed)", source: "webhook", changedAt: Date.now() - 60_000 }]);
    const first = start({ fillDelayMs: 200 });
    await publishMessages(chatId, `${stack.id}-a`, 0, 10);
    await waitForCount(stack.es, stack.indices.messages, 10, 60_000, { term: { chat_id: chatId } });
    await first.stop();

    // A late (or replayed) chat.created with the name from before the rename, at a fresh replica.
    const second = start({ fillDelayMs: 200 });
    await publishBodies(stack.pubsub, stack.topology.eventsTopic, [
      chatCreated({ seed: stack.id, chat: { chat_id: chatId, chat_name: "Ops", chat_type: "group" }, createdAt: Date.now() - 120_000 }),
    ]);
    await waitForCount(stack.es, stack.indices.events, 1, 60_000, { term: { chat_id: chatId } });
    await publishMessages(chatId, `${stack.id}-a`, 10, 5);
    await waitForCount(stack.es, stack.indices.messages, 15, 60_000, { term: { chat_id: chatId } });
    await second.chatNames.drain();

    expect(await namesOf(chatId)).toEqual({ count: 15, names: new Set(["Ops (renamed)"]) });
    expect(second.chatNames.memory.nameOf(chatId)).toBe("Ops (renamed)");
    const cached = await stack.es.get<{ chat_name: string }>({ index: stack.indices.chatNames, id: chatId });
    expect(cached._source?.chat_name).toBe("Ops (renamed)");
  });

  it("a fill queued before another replica learned a newer name writes the newer one", async () => {
    const chatId = "120363499990001002@g.us";
    const now = Date.now();
    await cache.write([{ chatId, chatName: "Support", source: "webhook", changedAt: now - 300_000 }]);
    // Fills wait until drained: the one the rename queues is still waiting when the newer name lands.
    const worker = start({ fillDelayMs: 600_000 });
    await publishMessages(chatId, `${stack.id}-b`, 0, 10);
    await waitForCount(stack.es, stack.indices.messages, 10, 60_000, { term: { chat_id: chatId } });
    await publishBodies(stack.pubsub, stack.topology.eventsTopic, [subjectNotification({ seed: stack.id, chatId, newName: "Support (EU)", at: now - 200_000 })]);
    await waitFor("the rename in the cache index", async () => {
      const hit = (await cache.lookup([chatId])).get(chatId);
      return hit?.status === "resolved" && hit.name === "Support (EU)";
    });
    await waitFor("the rename learned", async () => worker.chatNames.memory.nameOf(chatId) === "Support (EU)");

    // Another replica learns a later rename and fills it.
    await cache.write([{ chatId, chatName: "Support (EMEA)", source: "webhook", changedAt: now - 100_000 }]);
    await stack.es.indices.refresh({ index: stack.indices.messages });
    await fillChatNames(stack.es, stack.indices.messages, [{ chatId, chatName: "Support (EMEA)" }]);

    await worker.chatNames.drain();
    expect(await namesOf(chatId)).toEqual({ count: 10, names: new Set(["Support (EMEA)"]) });
  });

  it("the sweep mends names among every chat the cache index took lately, not only the first thousand", async () => {
    const chatId = "120363499990001003@g.us";
    // Written first and sorting first: whichever order a single page took, they would fill it.
    const others = Array.from({ length: 1_100 }, (_, i) => ({ chatId: `1000009${String(i).padStart(5, "0")}@c.us`, chatName: `Contact ${i}`, source: "api" as const }));
    await cache.write(others);
    await cache.write([{ chatId, chatName: "Sales (renamed)", source: "webhook", changedAt: Date.now() }]);
    await indexedElsewhere(chatId, "Sales", 5);

    start({ fillDelayMs: 200, overrides: { CHAT_NAME_REVALIDATE_SECONDS: "1" } });
    await waitFor("the sweep to mend the chat's messages", async () => {
      const now = await namesOf(chatId);
      return now.names.size === 1 && now.names.has("Sales (renamed)");
    });
  });

  it("a new replica's first sweep reaches back over what a killed one may have left (a rename older than three revalidation intervals)", async () => {
    const chatId = "120363499990001004@g.us";
    // Renamed 12 s ago, i.e. four intervals of 3 s: past the periodic sweep's reach (9 s), well within
    // the first one's (30 s).
    const renamedAt = new Date(Date.now() - 12_000).toISOString();
    await stack.es.index({
      index: stack.indices.chatNames,
      id: chatId,
      document: { chat_id: chatId, chat_name: "Field team (renamed)", source: "webhook", chat_updated_at: renamedAt, "@timestamp": renamedAt, updated_at: renamedAt },
      refresh: true,
    });
    await indexedElsewhere(chatId, "Field team", 5);

    start({ fillDelayMs: 200, overrides: { CHAT_NAME_REVALIDATE_SECONDS: "3" } });
    await waitFor("the first sweep to mend the chat's messages", async () => {
      const now = await namesOf(chatId);
      return now.names.size === 1 && now.names.has("Field team (renamed)");
    }, 30_000);
  });

  it("a batch that waited longer than half a revalidation interval to be written, while its chat was renamed, is written again under the new name", async () => {
    const chatId = "120363499990001005@g.us";
    await cache.write([{ chatId, chatName: "Night desk", source: "webhook", changedAt: Date.now() - 60_000 }]);
    // Bulk writes wait at a gate (a slow cluster whose searches still answer): the worker's sweeps
    // go on, and by the time the batch is written they no longer reach the rename.
    const gate = { open: false, waiting: 0 };
    const es = new Proxy(stack.es, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver) as unknown;
        if (property !== "bulk" || typeof value !== "function") return typeof value === "function" ? value.bind(target) : value;
        return async (...args: unknown[]) => {
          gate.waiting++;
          await waitFor("the bulk gate to open", async () => gate.open, 120_000, 50);
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    }) as ElasticsearchClient;
    start({ fillDelayMs: 200, overrides: { CHAT_NAME_REVALIDATE_SECONDS: "2" }, clients: { es, pubsub: stack.pubsub } });
    await publishMessages(chatId, `${stack.id}-e`, 0, 5);
    await waitFor("the batch to wait for its write", async () => gate.waiting > 0);

    await cache.write([{ chatId, chatName: "Night desk (renamed)", source: "webhook", changedAt: Date.now() }]);
    const renamedAt = Date.now();
    // The wait: six intervals, past the reach of every sweep after the write (three behind the last one).
    await waitFor("the batch to have waited six revalidation intervals", async () => Date.now() - renamedAt > 12_000, 30_000);
    gate.open = true;

    await waitFor("the batch's messages under the new name", async () => {
      const now = await namesOf(chatId);
      return now.count === 5 && now.names.size === 1 && now.names.has("Night desk (renamed)");
    });
  });
});
