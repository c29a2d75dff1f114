/**
 * The worker's source against the emulator: flow control holds (the emulator does not enforce it
 * server-side, so this proves the client-side backpressure in src/source/stream-backpressure.ts
 * is attached and works), messages come with their attributes and delivery attempt, and `pause()`
 * holds the pull while the worker's Elasticsearch breaker is open, whatever flow control frees.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Delivery } from "../src/source/delivery.ts";
import { createPubSubSource, type PubSubSourceOptions } from "../src/source/pubsub-source.ts";
import { publishBodies } from "./support/publish.ts";
import { createTestStack, type TestStack } from "./support/test-stack.ts";
import { waitFor } from "./support/wait.ts";

let stack: TestStack;

function sourceOptions(subscription: string, limits: Pick<PubSubSourceOptions, "maxStreams" | "maxOutstandingMessages">): PubSubSourceOptions {
  return {
    subscription,
    ...limits,
    maxOutstandingBytes: 32 * 1024 * 1024,
    minAckDeadlineSeconds: 10,
    maxAckDeadlineSeconds: 60,
    maxExtensionSeconds: 600,
    closeTimeoutMs: 5_000,
  };
}

beforeAll(async () => {
  stack = await createTestStack("source");
});

afterAll(async () => {
  await stack?.cleanup();
});

describe("Pub/Sub source", () => {
  it("stops taking messages at its outstanding limit until some are settled", async () => {
    const total = 20_000;
    const bodies = Array.from({ length: total }, (_, i) => ({ event_type: "message.created", data: { message_id: `m${i}`, text: "x".repeat(1_000) } }));
    for (let i = 0; i < total; i += 5_000) await publishBodies(stack.pubsub, stack.topology.eventsTopic, bodies.slice(i, i + 5_000));

    const held: Delivery[] = [];
    const warnings: string[] = [];
    const source = createPubSubSource(stack.pubsub, sourceOptions(stack.topology.eventsSubscription, { maxStreams: 2, maxOutstandingMessages: 200 }));
    source.start((d) => held.push(d), (e) => warnings.push(e.message), (code) => warnings.push(code));
    await waitFor("first deliveries", async () => held.length >= 200);
    // Hold everything for a while: without backpressure the emulator would push the whole backlog.
    await new Promise((r) => setTimeout(r, 3_000));
    const atLimit = held.length;
    const buffered = source.buffered();
    expect(warnings).toEqual([]);
    expect(atLimit).toBe(200);
    // What the client holds in all: the limit plus what was already on the wire when the streams
    // paused. Without the backpressure the emulator pushes the whole backlog into it.
    expect(buffered).toBeDefined();
    expect(buffered!).toBeLessThan(2_000);

    const first = held[0]!;
    expect(first.attributes.schema).toBe("periskope.webhook.v1");
    expect(first.deliveryAttempt).toBeGreaterThanOrEqual(1);
    for (const d of held.splice(0)) d.ack();
    await waitFor("more deliveries after acking", async () => held.length > 0);
    for (const d of held.splice(0)) d.nack();
    await source.stop();
    console.log(`buffered at the limit: ${buffered} of ${total}`);
  });

  it("pause() stops taking messages although settling frees the limit, and resume() takes them up again", async () => {
    const own = await createTestStack("source-pause");
    try {
      const total = 2_000;
      await publishBodies(own.pubsub, own.topology.eventsTopic, Array.from({ length: total }, (_, i) => ({ event_type: "message.created", data: { message_id: `p${i}` } })));
      const held: Delivery[] = [];
      let delivered = 0;
      const source = createPubSubSource(own.pubsub, sourceOptions(own.topology.eventsSubscription, { maxStreams: 1, maxOutstandingMessages: 100 }));
      source.start((d) => (delivered++, held.push(d)), () => undefined);
      await waitFor("first deliveries", async () => held.length >= 100);
      source.pause();
      // Everything the client already holds (handed out or queued behind flow control).
      const inClient = source.buffered()!;
      for (const d of held.splice(0)) d.ack();
      // Acking freed the limit: the library resumes its streams, and only the pause keeps them still.
      await new Promise((r) => setTimeout(r, 3_000));
      expect(delivered).toBeLessThanOrEqual(inClient);
      source.resume();
      await waitFor("deliveries after resume", async () => {
        for (const d of held.splice(0)) d.ack();
        return delivered >= inClient + 200;
      }, 60_000);
      await source.stop();
      console.log(`paused: ${delivered} delivered of ${total}, ${inClient} in the client at the pause`);
    } finally {
      await own.cleanup();
    }
  }, 120_000);
});
