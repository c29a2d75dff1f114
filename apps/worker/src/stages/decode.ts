/**
 * Decode: raw Pub/Sub bytes → webhook envelope (design §3.3). A body that is not a valid envelope
 * is poison, whatever the number of attempts, so it goes straight to the dead-letter topic with the
 * envelope's own error code (`invalid_json`, `not_an_object`, `missing_event_type`, `invalid_data`).
 */
import { EventAttribute, parsePeriskopeTime, readEnvelope } from "@periskope-pipeline/contracts";
import { deadLetter, type Outcome } from "../settle/outcome.ts";
import type { Delivery } from "../source/delivery.ts";
import type { DecodedEvent } from "./decoded-event.ts";

export type DecodeResult =
  | { readonly ok: true; readonly event: DecodedEvent }
  | { readonly ok: false; readonly delivery: Delivery; readonly outcome: Outcome };

export function decode(delivery: Delivery): DecodeResult {
  let body: unknown;
  try {
    body = JSON.parse(delivery.data.toString("utf8"));
  } catch {
    return { ok: false, delivery, outcome: deadLetter("decode", "invalid_json", "body is not valid JSON") };
  }
  const parsed = readEnvelope(body);
  if (!parsed.ok) return { ok: false, delivery, outcome: deadLetter("decode", parsed.code, parsed.message) };
  const receivedAt = parsePeriskopeTime(delivery.attributes[EventAttribute.receivedAt]) ?? delivery.publishTime;
  return { ok: true, event: { delivery, envelope: parsed.envelope, body: body as Record<string, unknown>, receivedAt } };
}
