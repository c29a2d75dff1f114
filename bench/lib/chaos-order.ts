/**
 * The oracle's copy of the documented order of a message's states (design §3.5, issue 10): event
 * time first, then the rank of the event kind (created < updated < ack.updated < flagged/unflagged
 * < deleted); `is_deleted` is sticky. This is the only place the chaos bench encodes the rule: once
 * the worker exports its own (apps/worker/src/stages/event-version.ts), this should call it.
 */
import type { MessageEventType } from "@periskope-pipeline/contracts";

export type MessageEventKind = MessageEventType;

export const KIND_RANK: Readonly<Record<MessageEventKind, number>> = {
  "message.created": 0,
  "message.updated": 1,
  "message.ack.updated": 2,
  "message.flagged": 3,
  "message.unflagged": 3,
  "message.deleted": 4,
};

/** A number that orders a message's states totally: later time wins, then the higher rank. */
export function stateOrder(kind: MessageEventKind, atMs: number): number {
  return atMs * 8 + KIND_RANK[kind];
}

/** Whether the final document stays deleted: once any deletion arrived, whatever came after. */
export function isDeletedAtEnd(kinds: Iterable<MessageEventKind>): boolean {
  for (const kind of kinds) if (kind === "message.deleted") return true;
  return false;
}
