/**
 * The version a message document is written with (`external_gte`, design §3.5): the time, in ms,
 * of the state the event describes, so an older state never overwrites a newer one whatever order
 * Pub/Sub delivers them in, and a redelivery of the same event rewrites the same version.
 *
 * What each event carries:
 * - Every `message.*` event holds a snapshot of the message. A snapshot emitted at time E includes
 *   every change up to E, so E (the envelope `timestamp`) is never earlier than the row's
 *   `data.updated_at`; the later of the two is the best-known "as of" time. (With `updated_at` alone,
 *   an `ack.updated` that does not bump it would tie with the edit before it.)
 * - `message.created` is the message's first state. Without either time it takes the message's own
 *   `timestamp`, which no later state can precede, so a create that arrives after its update (or
 *   after its `ack.updated`) is superseded instead of winning with a late receive time.
 * - Otherwise the ingress receive time (`received_at`), then Pub/Sub's publish time.
 */
import { parsePeriskopeTime, type WebhookEnvelope } from "@periskope-pipeline/contracts";

export function eventVersion(envelope: WebhookEnvelope, receivedAt: number): number {
  const updatedAt = parsePeriskopeTime(envelope.data.updated_at);
  const emittedAt = parsePeriskopeTime(envelope.timestamp);
  if (updatedAt !== null || emittedAt !== null) return Math.max(updatedAt ?? 0, emittedAt ?? 0);
  if (envelope.eventType === "message.created") {
    const messageTime = parsePeriskopeTime(envelope.data.timestamp);
    if (messageTime !== null) return messageTime;
  }
  return receivedAt;
}
