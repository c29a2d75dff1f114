/**
 * Chat-name economy against the real services (issue 5): the Periskope API is called about once
 * per uncached chat, whatever the concurrency; cached chats and names carried by webhooks cost no
 * call at all.
 */
import { chatCreated, messageCreated, startSimulator, subjectNotification, type SimulatorHandle } from "@periskope-pipeline/testkit";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { CacheIndex } from "../src/chat-names/index.ts";
import { startWorker, TEST_API_KEY, type RunningWorker } from "./support/in-process-worker.ts";
import { publishBodies } from "./support/publish.ts";
import { createTestStack, type TestStack } from "./support/test-stack.ts";
import { allDocuments, waitFor, waitForCount } from "./support/wait.ts";

interface MessageDoc {
  chat_id: string;
  chat_name: string | null;
  chat_name_status: string;
}

let stack: TestStack;
let sim: SimulatorHandle;
let worker: RunningWorker | undefined;

beforeAll(async () => {
  stack = await createTestStack("names");
  sim = await startSimulator({ chats: 40, apiKey: TEST_API_KEY, nullNameRatio: 0 });
});

afterEach(async () => {
  await worker?.stop();
  worker = undefined;
});

afterAll(async () => {
  await sim?.close();
  await stack?.cleanup();
});

describe("chat-name resolution", () => {
  it("200 messages for one new chat arriving at once cost exactly one API call", async () => {
    const [chatId] = sim.chatIds({ limit: 1 });
    // A slow API and small batches: several batches miss the same chat while its lookup is in flight.
    sim.setFaults({ latencyMs: 400 });
    worker = startWorker(stack, { apiUrl: sim.url, phone: sim.phones[0], overrides: { WORKER_BATCH_MAX_MESSAGES: "20", WORKER_MAX_BATCHES_IN_FLIGHT: "4" } });
    await publishBodies(stack.pubsub, stack.topology.eventsTopic, Array.from({ length: 200 }, (_, i) => messageCreated({ seed: `${stack.id}-a`, index: i, chatId })));

    await waitForCount(stack.es, stack.indices.messages, 200);
    expect(sim.stats().getChatCalls).toEqual({ [chatId!]: 1 });
    const docs = [...(await allDocuments<MessageDoc>(stack.es, stack.indices.messages)).values()];
    expect(docs).toHaveLength(200);
    expect(new Set(docs.map((d) => d.chat_name))).toEqual(new Set([sim.getChat(chatId!)!.chat_name]));
    expect(await worker.metricValue("worker_chat_name_single_flight_joins_total")).toBeGreaterThan(0);
    sim.setFaults({});
  });

  it("chats already in the cache index cost no API call", async () => {
    const chats = sim.chatIds({ limit: 12 }).slice(2);
    await new CacheIndex(stack.es, stack.indices.chatNames).write(chats.map((chatId, i) => ({ chatId, chatName: `Cached ${i}`, source: "refresh" as const })));
    sim.resetStats();
    worker = startWorker(stack, { apiUrl: sim.url, phone: sim.phones[0] });
    const bodies = Array.from({ length: 100 }, (_, i) => messageCreated({ seed: `${stack.id}-b`, index: i, chatId: chats[i % chats.length] }));
    await publishBodies(stack.pubsub, stack.topology.eventsTopic, bodies);

    await waitForCount(stack.es, stack.indices.messages, 100, 60_000, { terms: { chat_id: chats } });
    const docs = [...(await allDocuments<MessageDoc>(stack.es, stack.indices.messages)).values()].filter((d) => chats.includes(d.chat_id));
    expect(docs).toHaveLength(100);
    for (const doc of docs) expect(doc.chat_name).toBe(`Cached ${chats.indexOf(doc.chat_id)}`);
    expect(sim.stats().requests).toBe(0);
    expect(await worker.metricValue("worker_chat_name_lookups_total", { tier: "cache", result: "hit" })).toBeGreaterThan(0);
  });

  it("chat.created and group-subject notifications name chats without any API call, and renames reach indexed messages", async () => {
    sim.resetStats();
    worker = startWorker(stack, { apiUrl: sim.url, phone: sim.phones[0], fillDelayMs: 1_500 });
    const chatId = "120363499990000001@g.us"; // unknown to the simulator: any lookup would show
    await publishBodies(stack.pubsub, stack.topology.eventsTopic, [chatCreated({ seed: stack.id, chat: { chat_id: chatId, chat_name: "Launch crew", chat_type: "group" } })]);
    await waitForCount(stack.es, stack.indices.events, 1);

    const messages = Array.from({ length: 30 }, (_, i) => messageCreated({ seed: `${stack.id}-c`, index: i, chatId }));
    await publishBodies(stack.pubsub, stack.topology.eventsTopic, messages);
    const byChat = { term: { chat_id: chatId } };
    await waitForCount(stack.es, stack.indices.messages, 30, 60_000, byChat);
    let docs = [...(await allDocuments<MessageDoc>(stack.es, stack.indices.messages)).values()].filter((d) => d.chat_id === chatId);
    expect(docs.every((d) => d.chat_name === "Launch crew" && d.chat_name_status === "resolved")).toBe(true);

    await publishBodies(stack.pubsub, stack.topology.eventsTopic, [subjectNotification({ seed: stack.id, chatId, newName: "Launch crew (EU)", at: Date.now() })]);
    await waitFor("the rename to reach every indexed message", async () => {
      docs = [...(await allDocuments<MessageDoc>(stack.es, stack.indices.messages)).values()].filter((d) => d.chat_id === chatId);
      return docs.length === 30 && docs.every((d) => d.chat_name === "Launch crew (EU)");
    });
    const cached = await stack.es.get<{ chat_name: string; source: string }>({ index: stack.indices.chatNames, id: chatId });
    expect(cached._source).toMatchObject({ chat_name: "Launch crew (EU)", source: "webhook" });
    expect(sim.stats().requests).toBe(0);
  });

  it("a rename another replica wrote to the cache index reaches this one within CHAT_NAME_REVALIDATE_SECONDS, with the messages it indexed under the old name", async () => {
    const chatId = "120363499990000002@g.us"; // unknown to the simulator: any lookup would show
    const cacheIndex = new CacheIndex(stack.es, stack.indices.chatNames);
    await cacheIndex.write([{ chatId, chatName: "Night shift", source: "refresh", changedAt: Date.now() - 60_000 }]);
    sim.resetStats();
    worker = startWorker(stack, { apiUrl: sim.url, phone: sim.phones[0], overrides: { CHAT_NAME_REVALIDATE_SECONDS: "1" }, fillDelayMs: 200 });
    const byChat = { term: { chat_id: chatId } };
    const publish = (from: number, count: number) =>
      publishBodies(stack.pubsub, stack.topology.eventsTopic, Array.from({ length: count }, (_, i) => messageCreated({ seed: `${stack.id}-r`, index: from + i, chatId })));
    const names = async () => {
      const docs = [...(await allDocuments<MessageDoc>(stack.es, stack.indices.messages)).values()].filter((d) => d.chat_id === chatId);
      return { count: docs.length, names: new Set(docs.map((d) => d.chat_name)) };
    };

    await publish(0, 40);
    await waitForCount(stack.es, stack.indices.messages, 40, 60_000, byChat);
    expect((await names()).names).toEqual(new Set(["Night shift"]));

    // Renamed by another replica (a refresh, or a lookup there): only the cache index says so here.
    await cacheIndex.write([{ chatId, chatName: "Night shift (APAC)", source: "refresh", changedAt: Date.now() }]);
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    await publish(40, 1);
    await waitFor("every message of the chat to carry the new name", async () => {
      const now = await names();
      return now.count === 41 && now.names.size === 1 && now.names.has("Night shift (APAC)");
    });
    expect(sim.stats().requests).toBe(0);
    expect(await worker.metricValue("worker_chat_name_lookups_total", { tier: "cache", result: "changed" })).toBe(1);
  });
});
