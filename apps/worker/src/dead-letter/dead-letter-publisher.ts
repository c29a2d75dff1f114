/**
 * Publishes a message the pipeline cannot process to the dead-letter topic (design §3.3): the
 * original bytes and attributes untouched (so `replay-dead-letters` can move it back as it was),
 * plus why: `error_kind`, `error_message`, `stage`, `original_message_id`, `delivery_attempt`.
 * The caller acks the original only after this publish succeeded.
 */
import type { PubSub, Topic } from "@google-cloud/pubsub";
import { DeadLetterAttribute } from "@periskope-pipeline/contracts";
import type { Delivery } from "../source/delivery.ts";

/** Pub/Sub limits attribute values to 1024 bytes. */
const MAX_ATTRIBUTE_BYTES = 1024;

export interface DeadLetterReason {
  readonly errorKind: string;
  readonly errorMessage: string;
  readonly stage: string;
}

export interface DeadLetterSink {
  publish(delivery: Delivery, reason: DeadLetterReason): Promise<void>;
  close(): Promise<void>;
}

export function createDeadLetterPublisher(pubsub: PubSub, topicName: string): DeadLetterSink {
  const topic: Topic = pubsub.topic(topicName, { batching: { maxMessages: 100, maxMilliseconds: 20 } });
  return {
    async publish(delivery, reason) {
      await topic.publishMessage({ data: delivery.data, attributes: deadLetterAttributes(delivery, reason) });
    },
    async close() {
      await topic.flush();
    },
  };
}

export function deadLetterAttributes(delivery: Delivery, reason: DeadLetterReason): Record<string, string> {
  return {
    ...delivery.attributes,
    [DeadLetterAttribute.errorKind]: truncateBytes(reason.errorKind, 128),
    [DeadLetterAttribute.errorMessage]: truncateBytes(reason.errorMessage, MAX_ATTRIBUTE_BYTES),
    [DeadLetterAttribute.stage]: reason.stage,
    [DeadLetterAttribute.originalMessageId]: delivery.id,
    [DeadLetterAttribute.deliveryAttempt]: String(delivery.deliveryAttempt),
  };
}

function truncateBytes(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text);
  if (bytes.length <= maxBytes) return text;
  const ellipsis = "…";
  // A cut inside a multi-byte character decodes to U+FFFD; drop that partial character.
  const head = bytes.subarray(0, maxBytes - Buffer.byteLength(ellipsis)).toString("utf8").replace(/\uFFFD$/, "");
  return head + ellipsis;
}
