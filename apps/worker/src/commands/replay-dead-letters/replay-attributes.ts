/**
 * What a replayed message carries: the original webhook bytes and the ingress's attributes, without
 * what dead-lettering added — the worker's reason attributes (`DeadLetterAttribute`) and Pub/Sub's
 * own `CloudPubSubDeadLetter*` attributes from a dead-letter policy forward — so the worker sees the
 * message exactly as it first arrived.
 */
import { DeadLetterAttribute, EventAttribute, readEnvelope } from "@periskope-pipeline/contracts";

const DEAD_LETTER_ATTRIBUTES: ReadonlySet<string> = new Set(Object.values(DeadLetterAttribute));
const PUBSUB_DEAD_LETTER_PREFIX = "CloudPubSubDeadLetter";

export function originalAttributes(attributes: Readonly<Record<string, string>> | null | undefined): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (DEAD_LETTER_ATTRIBUTES.has(name) || name.startsWith(PUBSUB_DEAD_LETTER_PREFIX)) continue;
    kept[name] = value;
  }
  return kept;
}

/** The event type: the ingress's attribute, else the body's envelope, else undefined (poison). */
export function eventTypeOf(attributes: Readonly<Record<string, string>> | null | undefined, data: Uint8Array): string | undefined {
  const attribute = attributes?.[EventAttribute.eventType];
  if (attribute) return attribute;
  try {
    const envelope = readEnvelope(JSON.parse(Buffer.from(data).toString("utf8")));
    return envelope.ok ? envelope.envelope.eventType : undefined;
  } catch {
    return undefined;
  }
}
