/** Reads the dead-letter records of a test's dead-letter subscription. */
import type { Message, PubSub } from "@google-cloud/pubsub";

export interface DeadLetterRecord {
  readonly data: string;
  readonly attributes: Record<string, string>;
}

export async function pullDeadLetters(pubsub: PubSub, subscription: string, expected: number, timeoutMs = 30_000): Promise<DeadLetterRecord[]> {
  const records: DeadLetterRecord[] = [];
  const sub = pubsub.subscription(subscription, { flowControl: { maxMessages: 1_000 } });
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    sub.on("message", (message: Message) => {
      records.push({ data: message.data.toString("utf8"), attributes: { ...message.attributes } });
      message.ack();
      if (records.length >= expected) {
        clearTimeout(timer);
        // A moment more, so an unexpected extra record would be seen too.
        setTimeout(resolve, 1_000);
      }
    });
  });
  await sub.close();
  return records;
}
