/**
 * The time of the state a message event describes (design §3.5), and whether it is believable.
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
 *
 * Unit mistakes (a micro-second epoch where milliseconds were meant) are normalised by
 * `parsePeriskopeTime`. A time still beyond `maxSkewMs` after the receive time, or before 2010,
 * is wrong, not early or late: written as a version it would make every later event "older" (or
 * fall outside the version encoding), so the event is dead-lettered (`event_time_out_of_range`)
 * and can be replayed once fixed. Old times within that range are legitimate (replays, backfills).
 */
import { parsePeriskopeTime, type WebhookEnvelope } from "@periskope-pipeline/contracts";
import { MAX_EVENT_TIME_MS, MIN_EVENT_TIME_MS } from "./event-version.ts";

/** `EVENT_TIME_MAX_SKEW_SECONDS`' default: a day ahead of the receive time covers any clock error. */
export const DEFAULT_EVENT_TIME_MAX_SKEW_MS = 24 * 3_600_000;

/** Whole milliseconds: a version is an exact integer. */
export function eventTime(envelope: WebhookEnvelope, receivedAt: number): number {
  return Math.floor(stateTime(envelope, receivedAt));
}

function stateTime(envelope: WebhookEnvelope, receivedAt: number): number {
  const updatedAt = parsePeriskopeTime(envelope.data.updated_at);
  const emittedAt = parsePeriskopeTime(envelope.timestamp);
  if (updatedAt !== null || emittedAt !== null) return Math.max(updatedAt ?? 0, emittedAt ?? 0);
  if (envelope.eventType === "message.created") {
    const messageTime = parsePeriskopeTime(envelope.data.timestamp);
    if (messageTime !== null) return messageTime;
  }
  return receivedAt;
}

/** Why an event time is refused, or undefined when it may order the message's states. */
export function eventTimeProblem(timeMs: number, receivedAt: number, maxSkewMs: number): string | undefined {
  const latest = Math.min(receivedAt + maxSkewMs, MAX_EVENT_TIME_MS);
  if (timeMs > latest) return `event time ${iso(timeMs)} is more than ${maxSkewMs / 1000} s after its receive time ${iso(receivedAt)}`;
  if (timeMs < MIN_EVENT_TIME_MS) return `event time ${iso(timeMs)} is before ${iso(MIN_EVENT_TIME_MS)}`;
  return undefined;
}

function iso(ms: number): string {
  const date = new Date(ms);
  return Number.isFinite(date.getTime()) ? date.toISOString() : String(ms);
}
