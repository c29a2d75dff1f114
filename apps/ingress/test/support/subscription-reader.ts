/**
 * Reads what reached a topic, through a subscription created for the test: collects and acks
 * every message, and lets a test wait for a count or check that nothing else arrived.
 */
import type { Message, PubSub } from "@google-cloud/pubsub";

export interface ReadMessage {
  readonly id: string;
  readonly data: Buffer;
  readonly attributes: Readonly<Record<string, string>>;
}

export interface SubscriptionReader {
  /** Distinct messages so far (redeliveries collapse by id). */
  messages(): ReadMessage[];
  /** Waits until at least `count` distinct messages arrived. */
  waitFor(count: number, timeoutMs?: number): Promise<ReadMessage[]>;
  close(): Promise<void>;
}

export async function readSubscription(pubsub: PubSub, topic: string, subscription: string): Promise<SubscriptionReader> {
  await pubsub.createSubscription(topic, subscription, { ackDeadlineSeconds: 60 });
  const seen = new Map<string, ReadMessage>();
  const listener = pubsub.subscription(subscription, { flowControl: { maxMessages: 5_000 } });
  listener.on("message", (message: Message) => {
    seen.set(message.id, { id: message.id, data: Buffer.from(message.data), attributes: { ...message.attributes } });
    message.ack();
  });
  listener.on("error", () => {});
  return {
    messages: () => [...seen.values()],
    async waitFor(count, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (seen.size < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      if (seen.size < count) throw new Error(`only ${seen.size} of ${count} messages arrived on ${subscription}`);
      return [...seen.values()];
    },
    async close() {
      await listener.close();
      await pubsub.subscription(subscription).delete().catch(() => {});
    },
  };
}
