/**
 * Elasticsearch stopped for 20 s in the middle of a stream, then started again (issue 5): no message
 * is lost, none is duplicated, and the worker backs off instead of spinning. Runs against its own
 * Elasticsearch node, so stopping it cannot disturb other test files.
 */
import { messageCreated } from "@periskope-pipeline/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "@periskope-pipeline/local-stack";
import { startWorker, type RunningWorker } from "./support/in-process-worker.ts";
import { createOwnElasticsearch, type OwnElasticsearch } from "./support/own-elasticsearch.ts";
import { publishBodies } from "./support/publish.ts";
import { createTestStack, type TestStack } from "./support/test-stack.ts";
import { allDocuments, countDocuments, waitFor, waitForCount } from "./support/wait.ts";

const PER_WAVE = 1_000;

let es: OwnElasticsearch;
let stack: TestStack;
let worker: RunningWorker;

beforeAll(async () => {
  es = createOwnElasticsearch({ httpPort: await freePort(), transportPort: await freePort() });
  await es.start();
  // Without the subscription's retry policy: nacked messages come back at once, so what this test
  // sees is the worker's own backoff, not Pub/Sub's (10 s doubling per nack up to 10 min).
  stack = await createTestStack("outage", { elasticsearchUrl: es.url, withoutRetryPolicy: true });
  worker = startWorker(stack, {
    overrides: {
      // Shorter than the outage, so batches are both held (retried in-process) and given back (nacked).
      ELASTICSEARCH_RETRY_BUDGET_MS: "10000",
      WORKER_BATCH_MAX_MESSAGES: "200",
    },
  });
}, 240_000);

afterAll(async () => {
  await worker?.stop();
  await stack?.cleanup();
  await es?.destroy();
}, 120_000);

describe("Elasticsearch outage", () => {
  it("loses and duplicates nothing when Elasticsearch stops for 20 s mid-stream", async () => {
    const wave = (n: number) => Array.from({ length: PER_WAVE }, (_, i) => messageCreated({ seed: stack.id, index: n * PER_WAVE + i }));
    const all = [...wave(0), ...wave(1), ...wave(2)];

    await publishBodies(stack.pubsub, stack.topology.eventsTopic, all.slice(0, PER_WAVE));
    await waitFor("the stream to be under way", async () => (await countDocuments(stack.es, stack.indices.messages)) >= 200, 60_000, 100);

    await es.stop();
    const stoppedAt = Date.now();
    const retriesBefore = await worker.metricValue("worker_elasticsearch_retries_total");
    await publishBodies(stack.pubsub, stack.topology.eventsTopic, all.slice(PER_WAVE, 2 * PER_WAVE));
    await new Promise((r) => setTimeout(r, Math.max(0, 20_000 - (Date.now() - stoppedAt))));
    const retriesDuring = (await worker.metricValue("worker_elasticsearch_retries_total")) - retriesBefore;
    await es.start();

    await publishBodies(stack.pubsub, stack.topology.eventsTopic, all.slice(2 * PER_WAVE));
    await waitForCount(stack.es, stack.indices.messages, all.length, 120_000);
    // Redeliveries of messages written just before the outage land as rewrites, never as new documents.
    await new Promise((r) => setTimeout(r, 2_000));
    const docs = await allDocuments<{ message_id: string }>(stack.es, stack.indices.messages);
    expect(docs.size).toBe(all.length);
    expect(new Set([...docs.values()].map((d) => d.message_id))).toEqual(new Set(all.map((b) => String(b.data.message_id))));

    // Backing off: a handful of attempts per in-flight batch over 20 s, not a hot loop.
    expect(retriesDuring).toBeGreaterThan(0);
    expect(retriesDuring).toBeLessThan(100);
    expect(worker.pipeline.totals.deadLettered).toBe(0);
  }, 180_000);
});
