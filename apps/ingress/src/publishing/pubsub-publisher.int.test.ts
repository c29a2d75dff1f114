import { randomUUID } from "node:crypto";
import type { Message, PubSub } from "@google-cloud/pubsub";
import { freePort } from "@periskope-pipeline/local-stack";
import { createPubSub } from "@periskope-pipeline/pubsub";
import { describe, expect, it } from "vitest";
import { describeEventPublisherConformance, type ReceivedMessage } from "../../test/support/publisher-conformance.ts";
import { classifyGrpcError, PubSubPublisher, type BatchSettings } from "./pubsub-publisher.ts";

const emulatorHost = process.env.PUBSUB_EMULATOR_HOST;
if (!emulatorHost) throw new Error("PUBSUB_EMULATOR_HOST is not set: run with the int project's global setup");

// The emulator accepts any project: one per file keeps parallel test files apart.
const projectId = `ingress-publisher-${randomUUID().slice(0, 8)}`;
const batching: BatchSettings = { maxMessages: 1000, maxBytes: 4 << 20, maxMilliseconds: 1 };

async function subscribe(pubsub: PubSub, topic: string, subscription: string) {
  await pubsub.createSubscription(topic, subscription, { ackDeadlineSeconds: 30 });
  const seen = new Map<string, ReceivedMessage>();
  const listener = pubsub.subscription(subscription, { flowControl: { maxMessages: 5_000 } });
  listener.on("message", (message: Message) => {
    seen.set(message.id, { id: message.id, data: Buffer.from(message.data), attributes: { ...message.attributes } });
    message.ack();
  });
  listener.on("error", () => {});
  return {
    async received(count: number): Promise<ReceivedMessage[]> {
      const deadline = Date.now() + 30_000;
      while (seen.size < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      if (seen.size < count) throw new Error(`only ${seen.size} of ${count} messages arrived`);
      return [...seen.values()];
    },
    close: () => listener.close(),
  };
}

describeEventPublisherConformance("Pub/Sub (emulator)", async () => {
  const pubsub = createPubSub({ projectId, emulatorHost });
  const topic = `events-${randomUUID().slice(0, 8)}`;
  await pubsub.createTopic(topic);
  const subscription = await subscribe(pubsub, topic, `${topic}-sub`);
  const publisher = new PubSubPublisher(pubsub, { topic, batching, timeoutMs: 10_000 });
  return {
    publisher,
    received: (count) => subscription.received(count),
    publisherWithoutTopic: async () => new PubSubPublisher(pubsub, { topic: `missing-${randomUUID().slice(0, 8)}`, batching, timeoutMs: 10_000 }),
    dispose: async () => {
      await publisher.close();
      await subscription.close();
      await pubsub.subscription(`${topic}-sub`).delete();
      await pubsub.topic(topic).delete();
      await pubsub.close();
    },
  };
});

describe("PubSubPublisher while Pub/Sub cannot be reached", () => {
  it("fails a publish with `timeout` within its timeout, even while the channel keeps reconnecting", async () => {
    const unreachable = createPubSub({ projectId, emulatorHost: `127.0.0.1:${await freePort()}` });
    const publisher = new PubSubPublisher(unreachable, { topic: "events-nowhere", batching, timeoutMs: 1_000 });
    try {
      for (let attempt = 0; attempt < 3; attempt++) {
        const started = Date.now();
        const error = await publisher.publish({ data: Buffer.from("x"), attributes: { event_type: "down" } }).catch((e: unknown) => e);
        expect((error as { code?: string }).code).toMatch(/^(timeout|unavailable)$/);
        // Without the publisher's own timer (gax's total timeout alone): 5.3 s here; 2.7-6.2 s for 1.5 s through the ingress.
        expect(Date.now() - started).toBeLessThan(1_000 + 700);
      }
      expect(publisher.inFlight).toBe(0);
    } finally {
      await unreachable.close();
    }
  });
});

describe("classifyGrpcError", () => {
  it("maps gRPC status codes onto retryable and permanent publish errors", () => {
    const cases: [number, string, boolean][] = [
      [14, "unavailable", true],
      [4, "timeout", true],
      [8, "overloaded", true],
      [5, "topic_not_found", false],
      [7, "permission_denied", false],
      [16, "permission_denied", false],
      [3, "invalid_message", false],
      [13, "unavailable", true],
    ];
    for (const [code, kind, retryable] of cases) {
      const error = classifyGrpcError(Object.assign(new Error(`grpc ${code}`), { code }));
      expect([error.code, error.retryable]).toEqual([kind, retryable]);
    }
    expect(classifyGrpcError(new Error("no code")).code).toBe("unavailable");
  });
});
