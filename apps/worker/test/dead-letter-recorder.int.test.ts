/**
 * The dead-letter recorder holds a bounded number of dead letters while Elasticsearch is slow,
 * against the emulator too: it ignores the flow control a subscriber sends, so without the
 * client-side backpressure (src/source/stream-backpressure.ts) a burst of dead letters is pushed
 * whole into the worker's memory (measured in the chaos bench: 42k dead letters, +80 MB of heap).
 * What the recorder does not hold stays on the subscription, where another reader still finds it.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { Message, PubSub, Subscription, SubscriptionOptions } from "@google-cloud/pubsub";
import type { ElasticsearchClient } from "@periskope-pipeline/elasticsearch";
import { createLogger } from "@periskope-pipeline/observability";
import { messageCreated } from "@periskope-pipeline/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDeadLetterRecorder, type DeadLetterRecorder } from "../src/dead-letter/dead-letter-recorder.ts";
import { bufferedMessages } from "../src/source/stream-backpressure.ts";
import { publishBodies } from "./support/publish.ts";
import { createTestStack, type TestStack } from "./support/test-stack.ts";
import { waitFor } from "./support/wait.ts";

const BURST = 5_000;

let stack: TestStack;
let recorder: DeadLetterRecorder | undefined;
/** Bulk requests the recorder sent, held unanswered until `answerAll()`. */
const held: Array<() => void> = [];

/** An Elasticsearch that takes every record, but only when told to: the recorder's first bulk stays out. */
const slowElasticsearch = {
  bulk: ({ operations }: { operations: Buffer }) =>
    new Promise((resolve) => {
      const records = operations.toString("utf8").split("\n").filter(Boolean).length / 2;
      held.push(() => resolve({ items: Array.from({ length: records }, () => ({ index: { status: 201 } })) }));
    }),
} as unknown as ElasticsearchClient;

function answerAll(): void {
  for (const answer of held.splice(0)) answer();
}

beforeAll(async () => {
  stack = await createTestStack("dlbound");
});

afterAll(async () => {
  const closing = recorder?.close();
  // Close writes what the recorder holds: answer until it is done.
  const answering = setInterval(answerAll, 50);
  await closing;
  clearInterval(answering);
  await stack?.cleanup();
});

describe("dead-letter recorder", () => {
  it("holds a bounded number of dead letters while Elasticsearch is slow; the rest stay on the subscription", async () => {
    const bodies = Array.from({ length: BURST }, (_, i) => messageCreated({ seed: stack.id, index: i }));
    for (let i = 0; i < BURST; i += 2_500) await publishBodies(stack.pubsub, stack.topology.deadLetterTopic, bodies.slice(i, i + 2_500));

    // The recorder's subscription, to read what the client library holds for it.
    let subscription: Subscription | undefined;
    const pubsub = { subscription: (name: string, options?: SubscriptionOptions) => (subscription = stack.pubsub.subscription(name, options)) } as unknown as PubSub;
    recorder = startDeadLetterRecorder({
      pubsub,
      subscription: stack.topology.deadLetterRecordsSubscription,
      es: slowElasticsearch,
      index: stack.indices.events,
      log: createLogger({ service: "worker", level: "error" }),
    });
    await waitFor("the recorder's first bulk request", async () => held.length > 0, 60_000);

    // The emulator pushes about 2,000 messages a second: without the backpressure the client holds
    // the whole burst within a few seconds. Watched that long, it must stay at the recorder's 500
    // plus what was on the wire when the stream paused.
    let most = 0;
    const watchUntil = Date.now() + 6_000;
    while (Date.now() < watchUntil) {
      most = Math.max(most, bufferedMessages(subscription!) ?? Number.POSITIVE_INFINITY);
      await sleep(100);
    }
    expect(most).toBeLessThan(BURST / 2);

    // Another reader of the subscription finds the rest: the recorder took no lease on them.
    let found = 0;
    const other = stack.pubsub.subscription(stack.topology.deadLetterRecordsSubscription, { flowControl: { maxMessages: 1_000 } });
    other.on("message", (message: Message) => {
      found++;
      message.ack();
    });
    try {
      await waitFor(`${BURST / 2} dead letters left on the subscription`, async () => found >= BURST / 2, 60_000);
    } finally {
      await other.close();
    }
    console.log(`dead letters held by the recorder at most: ${most} of ${BURST}`);
  }, 180_000);
});
