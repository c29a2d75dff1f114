/**
 * Messages between the HTTP thread and the publishing thread (`threaded-intake.ts` ↔
 * `publishing-thread.ts`).
 *
 * Deliveries travel in batches: bodies, signature headers and request ids packed back to back
 * into one transferred ArrayBuffer, numbers in typed arrays, nothing for the structured clone to
 * walk; outcomes come back as indexes into `OUTCOME_CODES`. Header values are Latin-1 strings in
 * Node, so they round-trip byte for byte through `latin1` encoding.
 */
import type { IngressConfig } from "../config.ts";
import type { PublishErrorCode } from "../publishing/event-publisher.ts";

/** `eventTypes` value for deliveries that were not admitted. */
export const NO_EVENT_TYPE = 255;

export interface DeliveryBatch {
  readonly kind: "deliveries";
  /** Main-thread ticket (slot and generation) of each delivery, echoed back with its outcome. */
  readonly slots: Int32Array;
  /** Per delivery: body length, signature length (-1: no header), request-id length. */
  readonly layout: Int32Array;
  /** Epoch ms of receipt. */
  readonly receivedAt: Float64Array;
  /** Per delivery, in `slots` order: body, signature (Latin-1), request id (Latin-1). */
  readonly bytes: ArrayBuffer;
}

/** Ints per delivery in `DeliveryBatch.layout`. */
export const LAYOUT_STRIDE = 3;

export interface CommandRequestMessage {
  readonly kind: "command";
  readonly id: number;
  readonly data: Uint8Array;
  readonly attributes: Record<string, string>;
}

export type ToThread = DeliveryBatch | CommandRequestMessage | { readonly kind: "probe"; readonly id: number } | { readonly kind: "close" };

export interface ErrorReport {
  readonly code: PublishErrorCode;
  readonly message: string;
}

export interface OutcomeBatch {
  readonly kind: "outcomes";
  readonly slots: Int32Array;
  readonly outcomes: Uint8Array;
  /** Label index (`EVENT_TYPE_LABELS`) of admitted deliveries, else NO_EVENT_TYPE. */
  readonly eventTypes: Uint8Array;
}

export type FromThread =
  | { readonly kind: "ready" }
  | { readonly kind: "startup-failed"; readonly message: string }
  | OutcomeBatch
  /** One Publish request of the events topic settled (for metrics and logs). */
  | { readonly kind: "published"; readonly topic: string; readonly messages: number; readonly seconds: number; readonly error: ErrorReport | null }
  | { readonly kind: "command-result"; readonly id: number; readonly messageId: string | null; readonly error: ErrorReport | null }
  | { readonly kind: "probe-result"; readonly id: number; readonly error: ErrorReport | null }
  | { readonly kind: "closed" };

const THREAD_SETTINGS = [
  "PERISKOPE_SIGNING_KEY",
  "WEBHOOK_SIGNATURE_VERIFICATION",
  "PUBSUB_PROJECT_ID",
  "PUBSUB_EMULATOR_HOST",
  "PUBSUB_EVENTS_TOPIC",
  "PUBSUB_COMMANDS_TOPIC",
  "PUBLISH_BATCH_MAX_MESSAGES",
  "PUBLISH_BATCH_MAX_BYTES",
  "PUBLISH_BATCH_MAX_DELAY_MS",
  "PUBLISH_MAX_CONCURRENT_REQUESTS",
  "PUBLISH_TIMEOUT_MS",
] as const;

/** What the thread needs to build its clients: plain data, cloned into the worker. */
export type ThreadConfig = Pick<IngressConfig, (typeof THREAD_SETTINGS)[number]>;

/** Only the settings the thread uses cross into it (no admin token, no Elasticsearch credentials). */
export function threadConfigFrom(config: ThreadConfig): ThreadConfig {
  return Object.fromEntries(THREAD_SETTINGS.map((name) => [name, config[name]])) as ThreadConfig;
}
