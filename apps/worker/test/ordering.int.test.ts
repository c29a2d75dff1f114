/**
 * The total order of a message's states (src/stages/event-version.ts) against the real
 * Elasticsearch and emulator: equal times are settled by the kind of event, not by processing
 * order; a name fill never makes a newer state lose nor lets a redelivery erase the name; a delete
 * stays; an absurd event time is dead-lettered instead of pinning the document; and a replayed
 * rename does not bring an old chat name back.
 */
import { chatCreated, messageAck, messageCreated, messageDeleted, messageFlagged, messageUpdated, subjectNotification } from "@periskope-pipeline/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fillChatNames } from "../src/chat-names/index.ts";
import { messageVersion } from "../src/stages/event-version.ts";
import { startWorker, type RunningWorker } from "./support/in-process-worker.ts";
import { publishBodies } from "./support/publish.ts";
import { createTestStack, type TestStack } from "./support/test-stack.ts";
import { allDocuments, countDocuments, waitFor } from "./support/wait.ts";

interface MessageDoc {
  message_id: string;
  chat_id: string;
  body: string;
  ack: string | number;
  chat_name: string | null;
  chat_name_status: string;
  is_deleted?: boolean;
  event_type: string;
  _version?: number;
}

let stack: TestStack;
let worker: RunningWorker;
const T0 = Date.parse("2025-06-18T14:00:00Z");

beforeAll(async () => {
  stack = await createTestStack("ordering");
  // No Periskope API: chats stay unresolved until a webhook or a fill names them.
  worker = startWorker(stack, { fillDelayMs: 1_500 });
});

afterAll(async () => {
  await worker?.stop();
  await stack?.cleanup();
});

/** Publishes bodies and waits until the worker has settled that many more messages. */
async function publishAndSettle(bodies: object[]): Promise<void> {
  const settled = () => worker.pipeline.totals.indexed + worker.pipeline.totals.superseded + worker.pipeline.totals.deadLettered;
  const target = settled() + bodies.length;
  await publishBodies(stack.pubsub, stack.topology.eventsTopic, bodies);
  await waitFor("the events to be settled", async () => settled() >= target);
}

async function doc(messageId: unknown): Promise<MessageDoc> {
  const found = (await allDocuments<MessageDoc>(stack.es, stack.indices.messages)).get(String(messageId));
  if (!found) throw new Error(`no document ${String(messageId)}`);
  return found;
}

describe("message state order", () => {
  it("an ack.updated in the same millisecond as its create still wins after a name fill", async () => {
    const options = { seed: stack.id, index: 1, sentAt: T0, chatId: "120363400000000101@g.us" };
    const created = messageCreated(options);
    await publishAndSettle([created]);
    // A fill bumps the document's version by one (an update), as another replica's fill would.
    await stack.es.indices.refresh({ index: stack.indices.messages });
    expect(await fillChatNames(stack.es, stack.indices.messages, [{ chatId: options.chatId, chatName: "Acme Ops" }])).toEqual({ updated: 1, failed: 0 });
    await publishAndSettle([messageAck({ ...options, ack: 2, ackAt: T0 })]);
    const indexed = await doc(created.data.message_id);
    expect(indexed.event_type).toBe("message.ack.updated");
    expect(String(indexed.ack)).toBe("2");
    expect(indexed._version).toBe(messageVersion("message.ack.updated", T0));
  });

  it("a redelivered older state keeps the filled name (it is superseded, the document holds that state)", async () => {
    const options = { seed: stack.id, index: 2, sentAt: T0, chatId: "120363400000000102@g.us" };
    const created = messageCreated(options);
    await publishAndSettle([created]);
    await stack.es.indices.refresh({ index: stack.indices.messages });
    await fillChatNames(stack.es, stack.indices.messages, [{ chatId: options.chatId, chatName: "Filled Name" }]);
    // This worker has never heard the name: the redelivery is built unresolved.
    await publishAndSettle([created]);
    const indexed = await doc(created.data.message_id);
    expect(indexed).toMatchObject({ event_type: "message.created", chat_name: "Filled Name", chat_name_status: "resolved" });
    expect(indexed._version).toBe(messageVersion("message.created", T0) + 1);
  });

  it("two states sharing one time converge to the higher kind in both delivery orders", async () => {
    const first = { seed: stack.id, index: 3, sentAt: T0 };
    const second = { seed: stack.id, index: 4, sentAt: T0 };
    const at = T0 + 30_000;
    const ackFirst = messageAck({ ...first, ack: 4, ackAt: at });
    await publishAndSettle([ackFirst]);
    await publishAndSettle([messageUpdated({ ...first, newBody: "edited", editedAt: at })]);
    await publishAndSettle([messageUpdated({ ...second, newBody: "edited", editedAt: at })]);
    const ackSecond = messageAck({ ...second, ack: 4, ackAt: at });
    await publishAndSettle([ackSecond]);
    for (const body of [ackFirst, ackSecond]) {
      const indexed = await doc(body.data.message_id);
      expect(indexed.event_type).toBe("message.ack.updated");
      expect(indexed._version).toBe(messageVersion("message.ack.updated", at));
    }
  });

  it("a deleted message stays deleted whatever arrives after", async () => {
    const options = { seed: stack.id, index: 5, sentAt: T0 };
    const deleted = messageDeleted({ ...options, deletedAt: T0 + 60_000 });
    await publishAndSettle([messageCreated(options), deleted]);
    await publishAndSettle([messageAck({ ...options, ack: 4, ackAt: T0 + 120_000 })]);
    await publishAndSettle([messageFlagged({ ...options, flaggedAt: T0 + 180_000 }), messageUpdated({ ...options, editedAt: T0 + 240_000 })]);
    const indexed = await doc(deleted.data.message_id);
    expect(indexed).toMatchObject({ is_deleted: true, event_type: "message.deleted" });
  });

  it("dead-letters a far-future event time as event_time_out_of_range; later events still win", async () => {
    const options = { seed: stack.id, index: 6, sentAt: T0 };
    const before = worker.pipeline.totals.deadLettered;
    await publishAndSettle([messageCreated(options)]);
    // A micro-second epoch is read as such (in range); a time two days ahead is not.
    const micros = messageAck({ ...options, ack: 2, ackAt: T0 + 10_000 });
    micros.data.updated_at = (T0 + 10_000) * 1000;
    await publishAndSettle([micros, messageUpdated({ ...options, newBody: "from the future", editedAt: Date.now() + 2 * 86_400_000 })]);
    expect(worker.pipeline.totals.deadLettered).toBe(before + 1);
    const edit = messageUpdated({ ...options, newBody: "edited on time", editedAt: T0 + 60_000 });
    await publishAndSettle([edit]);
    const indexed = await doc(edit.data.message_id);
    expect(indexed).toMatchObject({ body: "edited on time", event_type: "message.updated" });
    const records = { term: { "dead_letter.error_kind": "event_time_out_of_range" } };
    await waitFor("the dead-letter record", async () => (await countDocuments(stack.es, stack.indices.events, records)) === 1);
  });
});

describe("chat names from replayed events", () => {
  it("a replayed old rename does not bring the old name back in memory, the cache or new messages", async () => {
    const chatId = "120363400000000199@g.us";
    await publishAndSettle([chatCreated({ seed: stack.id, chat: { chat_id: chatId, chat_name: "Original", chat_type: "group" }, createdAt: T0 })]);
    await publishAndSettle([subjectNotification({ seed: stack.id, chatId, newName: "Renamed", at: T0 + 3_600_000 })]);
    expect(worker.chatNames.memory.nameOf(chatId)).toBe("Renamed");
    // The creation's event is replayed (e.g. from the dead-letter topic) after the rename.
    await publishAndSettle([chatCreated({ seed: stack.id, chat: { chat_id: chatId, chat_name: "Original", chat_type: "group" }, createdAt: T0 })]);
    // The cache index refuses the older name; memory never takes it, and either keeps "Renamed" or
    // drops the chat so that the next lookup reads the index's name.
    expect(worker.chatNames.memory.nameOf(chatId)).not.toBe("Original");
    const message = messageCreated({ seed: stack.id, index: 7, sentAt: T0 + 7_200_000, chatId });
    await publishAndSettle([message]);
    await worker.chatNames.drain();
    expect((await doc(message.data.message_id)).chat_name).toBe("Renamed");
    const cached = await stack.es.get<{ chat_name: string }>({ index: stack.indices.chatNames, id: chatId });
    expect(cached._source?.chat_name).toBe("Renamed");
  });
});
