/**
 * Records every dead letter in the events index, from the one place they all pass: the dead-letter
 * topic, read through its own subscription (`PUBSUB_DEAD_LETTER_RECORDS_SUBSCRIPTION`; the replay
 * subscription beside it keeps every message for `replay-dead-letters`). That covers the messages
 * the worker dead-letters with a reason and those Pub/Sub itself moves after the events
 * subscription's `maxDeliveryAttempts`, which carry only Pub/Sub's `CloudPubSubDeadLetter*`
 * attributes (reason `max_delivery_attempts`).
 *
 * A record is acknowledged once Elasticsearch holds it; its `_id` is stable, so a redelivered dead
 * letter rewrites the same record. Records are gathered into one bulk request per event-loop turn
 * (dead letters come in bursts). A record Elasticsearch could not take is nacked and comes back
 * with the subscription's backoff; one it refuses outright (a mapping error) is logged and acked:
 * the message itself stays on the replay subscription.
 */
import type { Message, PubSub, Subscription } from "@google-cloud/pubsub";
import { DeadLetterAttribute } from "@periskope-pipeline/contracts";
import { bulkWrite, type ElasticsearchClient, type ElasticsearchPolicy } from "@periskope-pipeline/elasticsearch";
import type { Logger } from "@periskope-pipeline/observability";
import { propagatePauseToStreams } from "../source/stream-backpressure.ts";
import type { DeadLetterReason } from "./dead-letter-publisher.ts";
import { deadLetterRecord, type DeadLetteredMessage } from "./dead-letter-records.ts";

/** Attributes Pub/Sub adds when its dead-letter policy forwards a message. */
const PUBSUB_DELIVERY_COUNT = "CloudPubSubDeadLetterSourceDeliveryCount";
const PUBSUB_SOURCE_SUBSCRIPTION = "CloudPubSubDeadLetterSourceSubscription";

/** Dead letters one worker holds at once: bursts are written in bulk requests of up to this many. */
const MAX_OUTSTANDING = 500;

export interface DeadLetterRecorderOptions {
  readonly pubsub: PubSub;
  readonly subscription: string;
  readonly es: ElasticsearchClient;
  /** The events index (ELASTICSEARCH_EVENTS_INDEX). */
  readonly index: string;
  readonly log: Logger;
  /** The worker's Elasticsearch policy (retry, breaker). */
  readonly policy?: Pick<ElasticsearchPolicy, "execute">;
}

export interface DeadLetterRecorder {
  /** Stops reading, writes what it holds, closes the subscription. */
  close(): Promise<void>;
}

/** What a dead letter on the topic says about itself: who gave up on it, and why. */
export function describeDeadLetter(message: Pick<Message, "id" | "data" | "attributes">): { message: DeadLetteredMessage; reason: DeadLetterReason } {
  const attributes = message.attributes ?? {};
  const pubsubAttempts = attributes[PUBSUB_DELIVERY_COUNT];
  if (pubsubAttempts !== undefined) {
    const source = attributes[PUBSUB_SOURCE_SUBSCRIPTION] ?? "its subscription";
    return {
      message: { id: message.id, data: message.data, attributes, deliveryAttempt: Number(pubsubAttempts) || 0 },
      reason: { errorKind: "max_delivery_attempts", errorMessage: `Pub/Sub dead-lettered it after ${pubsubAttempts} delivery attempts on ${source}`, stage: "pubsub" },
    };
  }
  const errorKind = attributes[DeadLetterAttribute.errorKind];
  return {
    message: {
      id: attributes[DeadLetterAttribute.originalMessageId] ?? message.id,
      data: message.data,
      attributes,
      deliveryAttempt: Number(attributes[DeadLetterAttribute.deliveryAttempt]) || 0,
    },
    reason: {
      errorKind: errorKind ?? "unknown",
      errorMessage: attributes[DeadLetterAttribute.errorMessage] ?? "published to the dead-letter topic without a reason",
      stage: attributes[DeadLetterAttribute.stage] ?? "unknown",
    },
  };
}

export function startDeadLetterRecorder(options: DeadLetterRecorderOptions): DeadLetterRecorder {
  const { log } = options;
  const subscription: Subscription = options.pubsub.subscription(options.subscription, {
    flowControl: { maxMessages: MAX_OUTSTANDING, allowExcessMessages: false },
    // Dead letters are rare: one stream is plenty.
    streamingOptions: { maxStreams: 1 },
  });
  let gathering: Message[] = [];
  let writing: Promise<void> = Promise.resolve();
  let scheduled = false;

  const write = async (messages: Message[]): Promise<void> => {
    const records = messages.map((m) => {
      const { message, reason } = describeDeadLetter(m);
      return deadLetterRecord(message, reason, new Date());
    });
    let outcomes;
    try {
      const operations = records.map(({ id, document }) => ({ action: { index: { _index: options.index, _id: id } }, document }));
      outcomes = await bulkWrite(options.es, operations, { policy: options.policy });
    } catch (error) {
      log.warn({ event: "DeadLetterRecordFailed", stage: "dead-letter", code: "unavailable", retryable: true, count: messages.length, err: error }, "dead-letter records not written yet; they come back later");
      for (const m of messages) m.nack();
      return;
    }
    messages.forEach((m, i) => {
      const outcome = outcomes[i]!;
      if (outcome.kind === "ok" || outcome.kind === "superseded") return m.ack();
      if (outcome.kind === "retry") return m.nack();
      log.error(
        { event: "DeadLetterRecordFailed", stage: "dead-letter", code: outcome.errorType, retryable: false, count: 1, message_id: records[i]?.id },
        "the events index refused a dead-letter record (the message stays on the dead-letter replay subscription)",
      );
      m.ack();
    });
  };

  const flush = (): Promise<void> => {
    scheduled = false;
    if (gathering.length === 0) return writing;
    const messages = gathering;
    gathering = [];
    writing = writing.then(() => write(messages));
    return writing;
  };

  subscription.on("message", (message: Message) => {
    gathering.push(message);
    if (!scheduled) {
      scheduled = true;
      setImmediate(() => void flush());
    }
  });
  // Without it the emulator pushes a whole burst of dead letters into memory past MAX_OUTSTANDING
  // (real Pub/Sub enforces the limit itself): measured, 42k dead letters took the worker's old space
  // from 40 to 120 MB.
  if (!propagatePauseToStreams(subscription)) {
    log.warn({ event: "SourceDegraded", stage: "dead-letter", code: "no_client_backpressure" }, "could not attach client-side backpressure to the dead-letter records streams; their flow control rests on the service");
  }
  subscription.on("error", (error: unknown) => {
    log.error({ event: "DeadLetterSubscriptionError", stage: "dead-letter", code: "pubsub_error", retryable: true, err: error }, "dead-letter records subscription error");
  });

  return {
    async close() {
      subscription.removeAllListeners("message");
      await flush();
      await subscription.close();
    },
  };
}
