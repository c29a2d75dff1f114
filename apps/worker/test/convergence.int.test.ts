/**
 * Out-of-order and duplicate deliveries converge to the newest state, once (design §7): versions
 * encode each event's own time and kind (see src/stages/event-version.ts), so whatever order Pub/Sub
 * hands the events over in, the index ends with the latest snapshot of each message.
 */
import { messageAck, messageCreated, messageDeleted, messageUpdated } from "@periskope-pipeline/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { messageVersion } from "../src/stages/event-version.ts";
import { startWorker, type RunningWorker } from "./support/in-process-worker.ts";
import { publishBodies } from "./support/publish.ts";
import { createTestStack, type TestStack } from "./support/test-stack.ts";
import { allDocuments, waitFor } from "./support/wait.ts";

interface MessageDoc {
  message_id: string;
  body: string;
  ack: string | number;
  is_deleted?: boolean;
  event_type: string;
}

let stack: TestStack;
let worker: RunningWorker;
const T0 = Date.parse("2025-06-18T14:00:00Z");

beforeAll(async () => {
  stack = await createTestStack("order");
  worker = startWorker(stack);
});

afterAll(async () => {
  await worker?.stop();
  await stack?.cleanup();
});

async function publishAndSettle(bodies: object[]): Promise<void> {
  const before = worker.pipeline.totals;
  const target = before.indexed + before.superseded + bodies.length;
  await publishBodies(stack.pubsub, stack.topology.eventsTopic, bodies);
  await waitFor("the events to be settled", async () => worker.pipeline.totals.indexed + worker.pipeline.totals.superseded >= target);
}

async function doc(messageId: string): Promise<MessageDoc & { _version?: number }> {
  const docs = await allDocuments<MessageDoc>(stack.es, stack.indices.messages);
  const found = docs.get(messageId);
  if (!found) throw new Error(`no document ${messageId}`);
  return found;
}

describe("convergence", () => {
  it("a message delivered three times is indexed once", async () => {
    const created = messageCreated({ seed: stack.id, index: 1, sentAt: T0 });
    await publishAndSettle([created, created, created]);
    const docs = await allDocuments<MessageDoc>(stack.es, stack.indices.messages);
    expect([...docs.keys()].filter((id) => id === created.data.message_id)).toHaveLength(1);
    expect(docs.size).toBe(1);
  });

  it("an update delivered before its create keeps the update", async () => {
    const options = { seed: stack.id, index: 2, sentAt: T0 };
    const updated = messageUpdated({ ...options, newBody: "edited text", editedAt: T0 + 60_000 });
    await publishAndSettle([updated]);
    await publishAndSettle([messageCreated(options)]);
    const indexed = await doc(String(updated.data.message_id));
    expect(indexed.body).toBe("edited text");
    expect(indexed.event_type).toBe("message.updated");
    expect(indexed._version).toBe(messageVersion("message.updated", T0 + 60_000));
  });

  it("an ack.updated that arrives after a newer edit does not bring the old text back", async () => {
    const options = { seed: stack.id, index: 3, sentAt: T0 };
    await publishAndSettle([messageCreated(options)]);
    // Read at T0+20s (snapshot with the original text), edited at T0+60s; the read arrives last.
    await publishAndSettle([messageUpdated({ ...options, ack: 4, newBody: "corrected", editedAt: T0 + 60_000 })]);
    await publishAndSettle([messageAck({ ...options, ack: 4, ackAt: T0 + 20_000 })]);
    const indexed = await doc(String(messageCreated(options).data.message_id));
    expect(indexed.body).toBe("corrected");
    expect(String(indexed.ack)).toBe("4");
  });

  it("a whole history delivered newest-first in one batch ends in the newest state", async () => {
    const options = { seed: stack.id, index: 4, sentAt: T0 };
    const history = [
      messageCreated(options),
      messageAck({ ...options, ack: 2, ackAt: T0 + 10_000 }),
      messageUpdated({ ...options, ack: 2, newBody: "v2", editedAt: T0 + 60_000 }),
      messageDeleted({ ...options, ack: 2, deletedAt: T0 + 120_000 }),
    ];
    await publishAndSettle([...history].reverse());
    const indexed = await doc(String(history[0]!.data.message_id));
    expect(indexed.is_deleted).toBe(true);
    expect(indexed.event_type).toBe("message.deleted");
    expect(indexed._version).toBe(messageVersion("message.deleted", T0 + 120_000));
    // And replaying the older events again changes nothing.
    await publishAndSettle(history.slice(0, 3));
    expect((await doc(String(history[0]!.data.message_id)))._version).toBe(messageVersion("message.deleted", T0 + 120_000));
  });
});
