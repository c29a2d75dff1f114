/**
 * The oracle's own statement of the documented order of a message's states (README "Reliability",
 * design §3.5): a deletion is final (`is_deleted` is sticky, and the deleted state stays whatever
 * arrives after it); otherwise the later event time wins, and at one time the higher rank of the
 * event kind: created < updated < ack.updated < unflagged < flagged < deleted.
 *
 * Written here independently of the worker's encoding (apps/worker/src/stages/event-version.ts) on
 * purpose: an oracle that called the code under test could not catch that code's mistakes.
 */
import type { MessageEventType } from "@periskope-pipeline/contracts";

export type MessageEventKind = MessageEventType;

export const KIND_RANK: Readonly<Record<MessageEventKind, number>> = {
  "message.created": 0,
  "message.updated": 1,
  "message.ack.updated": 2,
  "message.unflagged": 3,
  "message.flagged": 4,
  "message.deleted": 5,
};

/** Above every non-deleted state's order (times here are milliseconds of this century). */
const DELETED_BAND = 2 ** 52;

/** A number that orders a message's states totally, as documented. */
export function stateOrder(kind: MessageEventKind, atMs: number): number {
  return (kind === "message.deleted" ? DELETED_BAND : 0) + atMs * 8 + KIND_RANK[kind];
}

/** Whether the final document stays deleted: once any deletion arrived, whatever came after. */
export function isDeletedAtEnd(kinds: Iterable<MessageEventKind>): boolean {
  for (const kind of kinds) if (kind === "message.deleted") return true;
  return false;
}
