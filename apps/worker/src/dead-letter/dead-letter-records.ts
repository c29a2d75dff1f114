/**
 * The record that makes a dead-lettered message visible where operators look (the Kibana
 * dashboard's "dead letters by kind"): an events-index document with `event_type:
 * "pipeline.dead_letter"` and the reason under `dead_letter.*` (the fields the events template
 * maps). Written by `dead-letter-recorder.ts` for every message on the dead-letter topic.
 */
import { createHash } from "node:crypto";
import { EventAttribute } from "@periskope-pipeline/contracts";
import type { Delivery } from "../source/delivery.ts";
import type { DeadLetterReason } from "./dead-letter-publisher.ts";

export const DEAD_LETTER_EVENT_TYPE = "pipeline.dead_letter";

/** Enough of the body to recognise it; the whole message stays on the dead-letter topic. */
const BODY_PREVIEW_BYTES = 2_048;

/** What a record says about the message: the dead letter as it was when it was given up on. */
export type DeadLetteredMessage = Pick<Delivery, "id" | "data" | "attributes" | "deliveryAttempt">;

/** The events-index document for one dead-lettered message; `_id` is stable across redeliveries. */
export function deadLetterRecord(delivery: DeadLetteredMessage, reason: DeadLetterReason, now: Date): { id: string; document: Record<string, unknown> } {
  const receivedAt = delivery.attributes[EventAttribute.receivedAt];
  const document: Record<string, unknown> = {
    event_type: DEAD_LETTER_EVENT_TYPE,
    event_id: delivery.id,
    content_sha256: delivery.attributes[EventAttribute.contentSha256] ?? createHash("sha256").update(delivery.data).digest("hex"),
    "@timestamp": now.toISOString(),
    indexed_at: now.toISOString(),
    dead_letter: {
      error_kind: reason.errorKind,
      stage: reason.stage,
      error_message: reason.errorMessage,
      original_message_id: delivery.id,
      delivery_attempt: delivery.deliveryAttempt,
      // Kept in _source only (the template does not map them): what the message was.
      event_type: delivery.attributes[EventAttribute.eventType],
      body_preview: delivery.data.subarray(0, BODY_PREVIEW_BYTES).toString("utf8"),
    },
  };
  if (receivedAt !== undefined && !Number.isNaN(Date.parse(receivedAt))) document.received_at = receivedAt;
  return { id: `dead-letter-${delivery.id}`, document };
}
