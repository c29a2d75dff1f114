/**
 * Every dead letter gets a record in the events index with its reason (design §7), written in one
 * place, from the dead-letter topic: those Pub/Sub moves there after max delivery attempts (which
 * the worker never sees being given up on) and those the worker dead-letters itself, each exactly
 * once; the replay subscription keeps every message meanwhile.
 */
import { messageCreated } from "@periskope-pipeline/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pullDeadLetters } from "./support/dead-letters.ts";
import { startWorker, type RunningWorker } from "./support/in-process-worker.ts";
import { publishBodies } from "./support/publish.ts";
import { createTestStack, type TestStack } from "./support/test-stack.ts";
import { countDocuments, waitFor, waitForCount } from "./support/wait.ts";

let stack: TestStack;
let worker: RunningWorker;

beforeAll(async () => {
  stack = await createTestStack("dlrec");
  worker = startWorker(stack);
});

afterAll(async () => {
  await worker?.stop();
  await stack?.cleanup();
});

interface DeadLetterDoc {
  event_type: string;
  dead_letter: { error_kind: string; stage: string; error_message: string; original_message_id: string; delivery_attempt: number; body_preview: string };
}

async function recordsWhere(field: string, value: string) {
  await stack.es.indices.refresh({ index: stack.indices.events });
  const response = await stack.es.search<DeadLetterDoc>({ index: stack.indices.events, query: { bool: { filter: [{ term: { event_type: "pipeline.dead_letter" } }, { term: { [field]: value } }] } }, size: 10 });
  return response.hits.hits;
}

describe("dead-letter records", () => {
  it("records a message Pub/Sub dead-lettered after max delivery attempts, with reason max_delivery_attempts", async () => {
    // A subscription of its own that dead-letters to the pipeline's topic after 5 attempts (Pub/Sub's
    // minimum), read by a consumer that fails every delivery.
    const topicName = `nacked-${stack.id}`;
    const [topic] = await stack.pubsub.createTopic(topicName);
    const [subscription] = await topic.createSubscription(`${topicName}-sub`, {
      ackDeadlineSeconds: 10,
      deadLetterPolicy: { deadLetterTopic: stack.pubsub.topic(stack.topology.deadLetterTopic).name, maxDeliveryAttempts: 5 },
    });
    let attempts = 0;
    subscription.on("message", (message) => {
      attempts++;
      message.nack();
    });
    const body = messageCreated({ seed: stack.id, index: 1 });
    await topic.publishMessage({ data: Buffer.from(JSON.stringify(body)), attributes: { event_type: "message.created", received_at: new Date().toISOString() } });

    await waitForCount(stack.es, stack.indices.events, 1, 120_000, { term: { "dead_letter.error_kind": "max_delivery_attempts" } });
    await subscription.close();
    expect(attempts).toBeGreaterThanOrEqual(5);
    const [hit] = await recordsWhere("dead_letter.error_kind", "max_delivery_attempts");
    expect(hit?._source).toMatchObject({ event_type: "pipeline.dead_letter", dead_letter: { error_kind: "max_delivery_attempts", stage: "pubsub", delivery_attempt: 5 } });
    expect(hit?._source?.dead_letter.error_message).toContain(`${topicName}-sub`);
    expect(hit?._source?.dead_letter.body_preview).toContain(String(body.data.message_id));

    // The replay subscription still holds the message, as Pub/Sub forwarded it.
    const replayable = await pullDeadLetters(stack.pubsub, stack.topology.deadLetterSubscription, 1);
    expect(replayable.map((r) => r.attributes.CloudPubSubDeadLetterSourceDeliveryCount)).toEqual(["5"]);
    await stack.pubsub.subscription(`${topicName}-sub`).delete();
    await topic.delete();
  });

  it("records a poison message the worker dead-letters exactly once", async () => {
    const [id] = await publishBodies(stack.pubsub, stack.topology.eventsTopic, ["this is not json"]);
    await waitFor("the poison message's record", async () => (await recordsWhere("dead_letter.original_message_id", id as string)).length > 0, 60_000);
    // Redeliveries and the recorder's own acks settle; still one record for the message.
    await waitFor("the worker to settle the poison message", async () => worker.pipeline.totals.deadLettered >= 1);
    await new Promise((r) => setTimeout(r, 2_000));
    const hits = await recordsWhere("dead_letter.original_message_id", id as string);
    expect(hits).toHaveLength(1);
    expect(hits[0]?._id).toBe(`dead-letter-${id}`);
    expect(hits[0]?._source?.dead_letter).toMatchObject({ error_kind: "invalid_json", stage: "decode", original_message_id: id });
    expect(await countDocuments(stack.es, stack.indices.events, { term: { event_type: "pipeline.dead_letter" } })).toBe(2);
  });
});
