/**
 * Nothing is dropped silently (design §7): poison bodies and documents Elasticsearch refuses go to
 * the dead-letter topic with their reason and original attributes, and every other message of the
 * same batch is indexed and acked.
 */
import { messageCreated, webhookEvent } from "@periskope-pipeline/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pullDeadLetters } from "./support/dead-letters.ts";
import { startWorker, type RunningWorker } from "./support/in-process-worker.ts";
import { publishBodies } from "./support/publish.ts";
import { createTestStack, type TestStack } from "./support/test-stack.ts";
import { countDocuments, waitFor, waitForCount } from "./support/wait.ts";

let stack: TestStack;
let worker: RunningWorker;

beforeAll(async () => {
  stack = await createTestStack("poison");
  // One large batch window, so the poison and the good messages share batches.
  worker = startWorker(stack, { overrides: { WORKER_BATCH_MAX_WAIT_MS: "500" } });
});

afterAll(async () => {
  await worker?.stop();
  await stack?.cleanup();
});

describe("dead letters", () => {
  it("dead-letters poison and refused documents with their reasons; the rest of the batch is indexed", async () => {
    const good = Array.from({ length: 40 }, (_, i) => messageCreated({ seed: stack.id, index: i }));
    const events = [webhookEvent("org.phone.disconnected", { org_phone: "447700900123@c.us", wa_state: "CONFLICT" })];
    const unmappable = messageCreated({ seed: stack.id, index: 1_000 });
    unmappable.data.ack = "read-by-everyone"; // `ack` is a byte field: Elasticsearch refuses the document
    const poison: Array<{ body: string | object; kind: string; stage: string }> = [
      { body: "this is not json", kind: "invalid_json", stage: "decode" },
      { body: "[1,2,3]", kind: "not_an_object", stage: "decode" },
      { body: { data: { message_id: "x" } }, kind: "missing_event_type", stage: "decode" },
      { body: { event_type: "message.created", data: "text" }, kind: "invalid_data", stage: "decode" },
      { body: { event_type: "message.created", data: { chat_id: "1@c.us" } }, kind: "invalid_message_id", stage: "build" },
      { body: unmappable, kind: "document_parsing_exception", stage: "index" },
    ];
    const bodies = [...good.slice(0, 20), ...poison.map((p) => p.body), ...good.slice(20), ...events];
    const ids = await publishBodies(stack.pubsub, stack.topology.eventsTopic, bodies);

    await waitFor("every message to be settled", async () => worker.pipeline.totals.indexed + worker.pipeline.totals.deadLettered >= bodies.length);
    expect(await countDocuments(stack.es, stack.indices.messages)).toBe(40);
    const deadLetterRecords = { term: { event_type: "pipeline.dead_letter" } };
    expect(await countDocuments(stack.es, stack.indices.events, { bool: { must_not: [deadLetterRecords] } })).toBe(1);
    expect(worker.pipeline.totals).toMatchObject({ indexed: 41, deadLettered: poison.length, nacked: 0 });

    const records = await pullDeadLetters(stack.pubsub, stack.topology.deadLetterSubscription, poison.length);
    expect(records).toHaveLength(poison.length);
    for (const [i, p] of poison.entries()) {
      const raw = typeof p.body === "string" ? p.body : JSON.stringify(p.body);
      const record = records.find((r) => r.data === raw);
      expect(record, `dead letter for ${p.kind}`).toBeDefined();
      expect(record!.attributes).toMatchObject({
        error_kind: p.kind,
        stage: p.stage,
        original_message_id: ids[20 + i],
        schema: "periskope.webhook.v1",
      });
      expect(record!.attributes.error_message!.length).toBeGreaterThan(0);
      expect(record!.attributes.received_at).toBeDefined();
      expect(record!.attributes.content_sha256).toBeDefined();
    }
    const refused = records.find((r) => r.attributes.error_kind === "document_parsing_exception");
    expect(refused!.attributes.error_message).toContain("ack");
    expect(await worker.metricValue("worker_dead_letters_total", { kind: "invalid_json", stage: "decode" })).toBe(1);

    // Operators see them in the events index too (the dashboard's "dead letters by kind").
    await waitForCount(stack.es, stack.indices.events, poison.length, 30_000, deadLetterRecords);
    const search = await stack.es.search<{ dead_letter: Record<string, unknown> }>({
      index: stack.indices.events,
      query: deadLetterRecords,
      size: 100,
      aggs: { kinds: { terms: { field: "dead_letter.error_kind", size: 20 } } },
    });
    const kinds = (search.aggregations?.kinds as { buckets: Array<{ key: string; doc_count: number }> }).buckets;
    expect(Object.fromEntries(kinds.map((b) => [b.key, b.doc_count]))).toEqual(Object.fromEntries(poison.map((p) => [p.kind, 1])));
    for (const [i, p] of poison.entries()) {
      const hit = search.hits.hits.find((h) => h._id === `dead-letter-${ids[20 + i]}`);
      expect(hit?._source?.dead_letter, `record for ${p.kind}`).toMatchObject({ error_kind: p.kind, stage: p.stage, original_message_id: ids[20 + i] });
    }
  });
});
