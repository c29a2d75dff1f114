/**
 * The Pub/Sub message for an admitted webhook (design §2): `data` is the raw body exactly as
 * received, attributes say what it is, when and how it arrived, and prove the bytes untouched.
 */
import { hash } from "node:crypto";
import { WEBHOOK_SCHEMA, type EventAttributes } from "@periskope-pipeline/contracts";
import type { OutboundMessage } from "../publishing/event-publisher.ts";

export function eventMessage(body: Uint8Array, eventType: string, requestId: string, receivedAt: string): OutboundMessage {
  // Typed against the contract, so a renamed attribute fails here rather than in the worker.
  const attributes = {
    event_type: eventType,
    received_at: receivedAt,
    request_id: requestId,
    // One-shot hash: no Hash object per request.
    content_sha256: hash("sha256", body, "hex"),
    schema: WEBHOOK_SCHEMA,
  } satisfies EventAttributes;
  return { data: body, attributes };
}
