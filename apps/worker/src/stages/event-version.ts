/**
 * The total order of a message's states, encoded in the `external_gte` version its document is
 * written with (design §3.5), so whatever order Pub/Sub delivers events in, the index ends with the
 * same state, and a redelivery of an event rewrites the same version.
 *
 * The order, first key first:
 * 1. Deleted or not: a delete is above every other state, so `is_deleted` stays true whatever
 *    arrives after it (a late read receipt, a replay). Deletes among themselves follow 2 and 3.
 * 2. The event time (ms, see event-time.ts).
 * 3. The kind of event, for equal times (Periskope times often have second precision):
 *    created < updated < ack.updated < unflagged < flagged < deleted. A create is the first state
 *    of a message, so anything at its time is later; a receipt for an edit can only follow the
 *    edit; flagging is an operator's action on a message already seen; and at one instant a flag
 *    wins over an unflag, since losing a flag hides work while a stale flag only shows it. Two
 *    different events of one kind in one millisecond are not ordered (the last written wins).
 *
 * Layout: `deleted·2^52 + ((time − 2010-01-01) · 6 + rank) · 256`. The low 8 bits are a gap: a
 * name fill (fill-chat-names.ts) is a partial update, which Elasticsearch stores as version + 1,
 * so a state absorbs 255 fills and still sits below the next state, even one at the same
 * millisecond; and a redelivery of the state it filled (same version, lower than version + k)
 * is superseded, so the filled name stays and the document still holds that state. Every version
 * is an exact integer below 2^53 (JSON and JS numbers stay exact, far under Elasticsearch's
 * 2^63 − 1) for event times up to the year 2102; times before 2010 or past that are refused.
 *
 * Documents written by the earlier encoding (the bare time in ms: below 4.2e12 for any time before
 * 2100) are below every version here for event times from February 2010 on, so the first event
 * after the upgrade wins over them, even an older one replayed, after which this order holds.
 *
 * @example
 * messageVersion("message.ack.updated", Date.parse("2025-06-18T14:05:00Z")) >
 *   messageVersion("message.created", Date.parse("2025-06-18T14:05:00Z")) + 255; // true
 */
import type { MessageEventType } from "@periskope-pipeline/contracts";

export const EVENT_KIND_RANK: Readonly<Record<MessageEventType, number>> = {
  "message.created": 0,
  "message.updated": 1,
  "message.ack.updated": 2,
  "message.unflagged": 3,
  "message.flagged": 4,
  "message.deleted": 5,
};

const RANKS = 6;
/** Versions each state owns: room for the +1 of every name fill before the next state. */
export const FILL_GAP = 256;
const DELETED_BAND = 2 ** 52;
/** Versions count from here; earlier event times are refused (Periskope did not exist). */
export const MIN_EVENT_TIME_MS = Date.UTC(2010, 0, 1);
/** The latest event time whose versions, deleted band and fills included, stay below 2^53. */
export const MAX_EVENT_TIME_MS = MIN_EVENT_TIME_MS + Math.floor(DELETED_BAND / (RANKS * FILL_GAP)) - 1;

/** The version of the state `eventType` at `timeMs` (an integer ms within the event time bounds). */
export function messageVersion(eventType: MessageEventType, timeMs: number): number {
  if (!Number.isInteger(timeMs) || timeMs < MIN_EVENT_TIME_MS || timeMs > MAX_EVENT_TIME_MS) {
    throw new RangeError(`event time ${timeMs} is outside the version encoding`);
  }
  const slot = ((timeMs - MIN_EVENT_TIME_MS) * RANKS + EVENT_KIND_RANK[eventType]) * FILL_GAP;
  return eventType === "message.deleted" ? DELETED_BAND + slot : slot;
}
