/**
 * Elasticsearch stopped mid-stream for several retry budgets, then started again (issue 10 item 3):
 * the sink's breaker pauses pulling and holds the messages in hand instead of nacking them, so no
 * valid message burns delivery attempts towards the dead-letter topic; when Elasticsearch answers,
 * every message is indexed exactly once. Runs against its own Elasticsearch node, so stopping it
 * cannot disturb other test files.
 */
import { messageCreated } from "@periskope-pipeline/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "@periskope-pipeline/local-stack";
import { pullDeadLetters } from "./support/dead-letters.ts";
import { startWorker, type RunningWorker } from "./support/in-process-worker.ts";
import { createOwnElasticsearch, type OwnElasticsearch } from "./support/own-elasticsearch.ts";
import { publishBodies } from "./support/publish.ts";
import { createTestStack, type TestStack } from "./support/test-stack.ts";
import { allDocuments, countDocuments, waitFor, waitForCount } from "./support/wait.ts";

const PER_WAVE = 1_000;
/** Several retry budgets: long enough that the old nack-after-budget loop redelivered everything a few times. */
const OUTAGE_MS = 25_000;
const RETRY_BUDGET_MS = 4_000;

let es: OwnElasticsearch;
let stack: TestStack;
let worker: RunningWorker;

beforeAll(async () => {
  es = createOwnElasticsearch({ httpPort: await freePort(), transportPort: await freePort() });
  await es.start();
  // Without the subscription's retry policy: a nacked message comes back at once, so a nack loop
  // shows as delivery attempts within the outage instead of hiding behind Pub/Sub's backoff. The
  // dead-letter policy stays: it is what makes Pub/Sub count delivery attempts.
  stack = await createTestStack("outage", { elasticsearchUrl: es.url, withoutRetryPolicy: true });
  worker = startWorker(stack, {
    overrides: {
      ELASTICSEARCH_RETRY_BUDGET_MS: String(RETRY_BUDGET_MS),
      ELASTICSEARCH_BREAKER_FAILURES: "3",
      ELASTICSEARCH_BREAKER_PROBE_MS: "1000",
      WORKER_BATCH_MAX_MESSAGES: "200",
    },
  });
}, 240_000);

afterAll(async () => {
  await worker?.stop();
  await stack?.cleanup();
  await es?.destroy();
}, 120_000);

/** Observations of the delivery-attempt histogram above `attempt`. */
async function deliveriesAbove(attempt: number): Promise<number> {
  const { values } = await worker.metrics.deliveryAttempts.get();
  const count = values.find((v) => v.metricName?.endsWith("_count"))?.value ?? 0;
  const upTo = values.find((v) => v.metricName?.endsWith("_bucket") && v.labels.le === attempt)?.value ?? 0;
  return count - upTo;
}

describe("Elasticsearch outage", () => {
  it("pauses pulling, holds what it has without nacking, and indexes everything exactly once after the restart", async () => {
    const wave = (n: number) => Array.from({ length: PER_WAVE }, (_, i) => messageCreated({ seed: stack.id, index: n * PER_WAVE + i }));
    const all = [...wave(0), ...wave(1), ...wave(2)];

    await publishBodies(stack.pubsub, stack.topology.eventsTopic, all.slice(0, PER_WAVE));
    await waitFor("the stream to be under way", async () => (await countDocuments(stack.es, stack.indices.messages)) >= 200, 60_000, 100);

    await es.stop();
    const stoppedAt = Date.now();
    await publishBodies(stack.pubsub, stack.topology.eventsTopic, all.slice(PER_WAVE, 2 * PER_WAVE));
    await waitFor("the breaker to open and pause pulling", async () => (await worker.metricValue("worker_elasticsearch_circuit_state")) === 2, 60_000, 100);
    const pulledAtPause = worker.pipeline.totals.pulled;
    // The outage lasts several retry budgets; all along nothing may be given back.
    await waitFor(
      `an outage of ${OUTAGE_MS} ms without a nack`,
      async () => {
        expect(worker.pipeline.totals.nacked).toBe(0);
        return Date.now() - stoppedAt >= OUTAGE_MS;
      },
      OUTAGE_MS + 30_000,
      250,
    );
    const pulledDuringPause = worker.pipeline.totals.pulled - pulledAtPause;
    await es.start();

    await publishBodies(stack.pubsub, stack.topology.eventsTopic, all.slice(2 * PER_WAVE));
    await waitForCount(stack.es, stack.indices.messages, all.length, 180_000);
    // Held, not nacked: no redelivery loop, so no valid message went near the dead-letter topic.
    expect(worker.pipeline.totals.nacked).toBe(0);
    expect(worker.pipeline.totals.deadLettered).toBe(0);
    expect(await deliveriesAbove(2)).toBe(0);
    expect(await pullDeadLetters(stack.pubsub, stack.topology.deadLetterSubscription, 1, 3_000)).toEqual([]);

    const docs = await allDocuments<{ message_id: string }>(stack.es, stack.indices.messages);
    expect(docs.size).toBe(all.length);
    expect(new Set([...docs.values()].map((d) => d.message_id))).toEqual(new Set(all.map((b) => String(b.data.message_id))));
    // Pulling paused: the second wave, published while Elasticsearch was down, was not pulled in.
    expect(pulledDuringPause).toBeLessThan(PER_WAVE);
    expect(await worker.metricValue("worker_elasticsearch_circuit_state")).toBe(0);
    console.log(`outage ${OUTAGE_MS} ms: ${pulledDuringPause} pulled while paused, ${await worker.metricValue("worker_elasticsearch_retries_total")} retries, ${await deliveriesAbove(1)} redeliveries`);
  }, 360_000);
});
