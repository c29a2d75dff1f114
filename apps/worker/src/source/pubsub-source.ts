/**
 * The pipeline's source: a Pub/Sub streaming pull (design §3.1) with flow control (outstanding
 * messages and bytes), lease extension while work is in flight (the client library extends leases
 * up to `maxExtensionSeconds` for every message not yet acked or nacked), and a bounded close that
 * stops pulling at once and lets in-flight work finish before nacking what is left.
 *
 * The emulator serves about 2k messages/s per stream, so `maxStreams` sets its ceiling.
 */
import { Duration, type Message, type PubSub, type Subscription } from "@google-cloud/pubsub";
import type { Delivery } from "./delivery.ts";

export interface PubSubSourceOptions {
  readonly subscription: string;
  readonly maxStreams: number;
  readonly maxOutstandingMessages: number;
  readonly maxOutstandingBytes: number;
  readonly minAckDeadlineSeconds: number;
  readonly maxAckDeadlineSeconds: number;
  readonly maxExtensionSeconds: number;
  /** How long `stop()` waits for in-flight messages before nacking them. */
  readonly closeTimeoutMs: number;
}

export interface Source {
  start(onDelivery: (delivery: Delivery) => void, onError: (error: Error) => void): void;
  /** Stops pulling immediately; waits (bounded) until every pulled message was acked or nacked. */
  stop(): Promise<void>;
  readonly isOpen: boolean;
}

export function createPubSubSource(pubsub: PubSub, options: PubSubSourceOptions): Source {
  let subscription: Subscription | undefined;
  return {
    start(onDelivery, onError) {
      if (subscription) throw new Error("source already started");
      subscription = pubsub.subscription(options.subscription, {
        flowControl: {
          maxMessages: options.maxOutstandingMessages,
          maxBytes: options.maxOutstandingBytes,
          // Never accept more than asked for: the bound is what keeps memory flat under backlog.
          allowExcessMessages: false,
        },
        streamingOptions: { maxStreams: options.maxStreams },
        minAckDeadline: Duration.from({ seconds: options.minAckDeadlineSeconds }),
        maxAckDeadline: Duration.from({ seconds: options.maxAckDeadlineSeconds }),
        maxExtensionTime: Duration.from({ seconds: options.maxExtensionSeconds }),
        // Acks go out in batches; a short delay keeps their latency well under the ack deadline.
        batching: { maxMessages: 1_000, maxMilliseconds: 50 },
        closeOptions: { behavior: "WAIT", timeout: Duration.from({ milliseconds: options.closeTimeoutMs }) },
      });
      subscription.on("message", (message: Message) => onDelivery(toDelivery(message)));
      subscription.on("error", onError);
    },
    async stop() {
      await subscription?.close();
    },
    get isOpen() {
      return subscription?.isOpen ?? false;
    },
  };
}

function toDelivery(message: Message): Delivery {
  return {
    id: message.id,
    data: message.data,
    attributes: message.attributes ?? {},
    deliveryAttempt: message.deliveryAttempt ?? 0,
    publishTime: message.publishTime.getTime(),
    ack: () => message.ack(),
    nack: () => message.nack(),
  };
}
