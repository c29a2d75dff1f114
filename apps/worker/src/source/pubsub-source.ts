/**
 * The pipeline's source: a Pub/Sub streaming pull (design §3.1) with flow control (outstanding
 * messages and bytes), lease extension while work is in flight (the client library extends leases
 * up to `maxExtensionSeconds` for every message not yet acked or nacked), and a bounded close that
 * stops pulling at once and lets in-flight work finish before nacking what is left.
 *
 * `pause()` stops pulling while the sink cannot write (Elasticsearch unavailable) without closing
 * anything: messages in hand keep their leases (extended up to `maxExtensionSeconds`), none is
 * nacked, so an outage costs no delivery attempts.
 *
 * The emulator serves about 2k messages/s per stream, so `maxStreams` sets its ceiling.
 */
import { Duration, type Message, type PubSub, type Subscription } from "@google-cloud/pubsub";
import type { Delivery } from "./delivery.ts";
import { bufferedMessages, propagatePauseToStreams, type PullGate } from "./stream-backpressure.ts";

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
  /** `onWarning` hears about degraded operation that needs no action now (e.g. missing backpressure). */
  start(onDelivery: (delivery: Delivery) => void, onError: (error: Error) => void, onWarning?: (code: string, message: string) => void): void;
  /** Stops pulling immediately; waits (bounded) until every pulled message was acked or nacked. */
  stop(): Promise<void>;
  /** Stops pulling new messages; those in hand keep their leases. Idempotent. */
  pause(): void;
  resume(): void;
  /** Messages the client library holds (handed out or still queued in it); undefined if unknown. */
  buffered(): number | undefined;
  readonly isOpen: boolean;
}

export function createPubSubSource(pubsub: PubSub, options: PubSubSourceOptions): Source {
  let subscription: Subscription | undefined;
  let gate: PullGate | undefined;
  return {
    start(onDelivery, onError, onWarning) {
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
        // Acks and receipt modAcks go out in batches: every request costs the server (and on the
        // emulator, the CPU the rest of the pipeline needs). 100 ms stays far under any ack deadline.
        batching: { maxMessages: 2_000, maxMilliseconds: 100 },
        closeOptions: { behavior: "WAIT", timeout: Duration.from({ milliseconds: options.closeTimeoutMs }) },
      });
      subscription.on("message", (message: Message) => onDelivery(new PubSubDelivery(message)));
      subscription.on("error", onError);
      gate = propagatePauseToStreams(subscription);
      if (!gate) {
        onWarning?.("no_client_backpressure", "could not attach client-side backpressure to the Pub/Sub streams; flow control rests on the service, and pulling cannot pause while Elasticsearch is unavailable");
      }
    },
    async stop() {
      await subscription?.close();
    },
    pause() {
      gate?.hold();
    },
    resume() {
      gate?.release();
    },
    buffered() {
      return subscription ? bufferedMessages(subscription) : undefined;
    },
    get isOpen() {
      return subscription?.isOpen ?? false;
    },
  };
}

/** Settles through the message itself: no pair of closures per pulled message. */
class PubSubDelivery implements Delivery {
  readonly id: string;
  readonly data: Buffer;
  readonly attributes: Readonly<Record<string, string>>;
  readonly deliveryAttempt: number;
  readonly publishTime: number;
  private readonly message: Message;

  constructor(message: Message) {
    this.message = message;
    this.id = message.id;
    this.data = message.data;
    this.attributes = message.attributes ?? {};
    this.deliveryAttempt = message.deliveryAttempt ?? 0;
    this.publishTime = message.publishTime.getTime();
  }

  ack(): void {
    this.message.ack();
  }

  nack(): void {
    this.message.nack();
  }
}
