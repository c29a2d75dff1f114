/**
 * Entry point of the publishing thread (started by `threaded-intake.ts`, never run directly): it
 * owns the Pub/Sub client and both publishers, and runs the CPU-heavy part of every delivery —
 * HMAC, UTF-8 and JSON checks, SHA-256, protobuf encoding and gRPC — off the HTTP thread.
 *
 * Replies are coalesced: all outcomes settled in one event-loop turn go back in one message.
 */
import { parentPort, workerData } from "node:worker_threads";
import { createPubSub } from "@periskope-pipeline/pubsub";
import { PublishError, type EventPublisher } from "../publishing/event-publisher.ts";
import type { Settled } from "../publishing/publish-batcher.ts";
import { createPubSubPublisher } from "../publishing/pubsub-publisher.ts";
import { admitWebhook } from "../webhook/admit.ts";
import { eventMessage } from "../webhook/event-message.ts";
import { eventTypeLabelIndex } from "../webhook/event-type-label.ts";
import { outcomeIndex } from "../webhook/outcomes.ts";
import { createSignatureVerifier } from "../webhook/signature.ts";
import { forEachDelivery } from "./delivery-packing.ts";
import { NO_EVENT_TYPE, type ErrorReport, type FromThread, type ThreadConfig, type ToThread } from "./thread-protocol.ts";
import { unavailableOutcome, type Delivery } from "./webhook-intake.ts";

if (!parentPort) throw new Error("publishing-thread.ts runs as a worker thread");
const port = parentPort;
const config = workerData as ThreadConfig;
const send = (message: FromThread, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

const ACCEPTED = outcomeIndex("accepted");
/** Publish tokens are `ticket * TOKEN_SLOT + event-type label` (labels fit in a byte). */
const TOKEN_SLOT = 256;

/** Outcomes settled this turn, sent together at its end. */
class ReplyBuffer {
  #slots: number[] = [];
  #outcomes: number[] = [];
  #eventTypes: number[] = [];
  #scheduled = false;

  add(ticket: number, outcome: number, eventType: number): void {
    this.#slots.push(ticket);
    this.#outcomes.push(outcome);
    this.#eventTypes.push(eventType);
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  flush(): void {
    this.#scheduled = false;
    if (this.#slots.length === 0) return;
    const slots = Int32Array.from(this.#slots);
    const outcomes = Uint8Array.from(this.#outcomes);
    const eventTypes = Uint8Array.from(this.#eventTypes);
    this.#slots = [];
    this.#outcomes = [];
    this.#eventTypes = [];
    send({ kind: "outcomes", slots, outcomes, eventTypes }, [slots.buffer, outcomes.buffer, eventTypes.buffer]);
  }
}

function report(error: unknown): ErrorReport {
  return error instanceof PublishError ? { code: error.code, message: error.message } : { code: "unavailable", message: String(error) };
}

/** ISO-8601 of a receipt time; consecutive deliveries mostly share a millisecond. */
let isoMs = -1;
let isoText = "";
function isoTime(ms: number): string {
  if (ms !== isoMs) {
    isoMs = ms;
    isoText = new Date(ms).toISOString();
  }
  return isoText;
}

async function start(): Promise<void> {
  const pubsub = createPubSub({ projectId: config.PUBSUB_PROJECT_ID, emulatorHost: config.PUBSUB_EMULATOR_HOST });
  const batch = {
    maxMessages: config.PUBLISH_BATCH_MAX_MESSAGES,
    maxBytes: config.PUBLISH_BATCH_MAX_BYTES,
    maxDelayMs: config.PUBLISH_BATCH_MAX_DELAY_MS,
    maxConcurrentRequests: config.PUBLISH_MAX_CONCURRENT_REQUESTS,
    timeoutMs: config.PUBLISH_TIMEOUT_MS,
  };
  const events = await createPubSubPublisher(pubsub, {
    topic: config.PUBSUB_EVENTS_TOPIC,
    ...batch,
    observe: (messages, seconds, error) => send({ kind: "published", topic: config.PUBSUB_EVENTS_TOPIC, messages, seconds, error: error && report(error) }),
  });
  const commands: EventPublisher = await createPubSubPublisher(pubsub, { topic: config.PUBSUB_COMMANDS_TOPIC, ...batch });
  const verify = config.WEBHOOK_SIGNATURE_VERIFICATION ? createSignatureVerifier(config.PERISKOPE_SIGNING_KEY) : null;
  const replies = new ReplyBuffer();
  const settled: Settled = (token, error) => {
    const ticket = Math.floor(token / TOKEN_SLOT);
    const eventType = token % TOKEN_SLOT;
    replies.add(ticket, error === null ? ACCEPTED : outcomeIndex(unavailableOutcome(error).code), eventType);
  };

  const admitAndPublish = (ticket: number, delivery: Delivery) => {
    const admission = admitWebhook(delivery.body, delivery.signature, verify);
    if (!admission.ok) {
      replies.add(ticket, outcomeIndex(admission.code), NO_EVENT_TYPE);
      return;
    }
    const message = eventMessage(delivery.body, admission.eventType, delivery.requestId, isoTime(delivery.receivedAt));
    // The token carries ticket and event-type label, so one shared callback serves every message.
    events.enqueue(message, ticket * TOKEN_SLOT + eventTypeLabelIndex(admission.eventType), settled);
  };

  port.on("message", (message: ToThread) => {
    switch (message.kind) {
      case "deliveries":
        forEachDelivery(message, admitAndPublish);
        return;
      case "command":
        commands.publish({ data: message.data, attributes: message.attributes }).then(
          (messageId) => send({ kind: "command-result", id: message.id, messageId, error: null }),
          (error: unknown) => send({ kind: "command-result", id: message.id, messageId: null, error: report(error) }),
        );
        return;
      case "probe":
        events.probe().then(
          () => send({ kind: "probe-result", id: message.id, error: null }),
          (error: unknown) => send({ kind: "probe-result", id: message.id, error: report(error) }),
        );
        return;
      case "close":
        void Promise.all([events.close(), commands.close()])
          .then(() => pubsub.close())
          .finally(() => {
            replies.flush();
            // The HTTP thread terminates this worker once it has read everything sent before this.
            send({ kind: "closed" });
          });
        return;
    }
  });
  send({ kind: "ready" });
}

start().catch((error: unknown) => send({ kind: "startup-failed", message: error instanceof Error ? error.message : String(error) }));
