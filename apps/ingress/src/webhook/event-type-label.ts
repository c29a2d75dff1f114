/**
 * A bounded label for the "event types received" metric. Senders choose event names, so using
 * them raw would let any sender grow the metric without limit; names Periskope documents (reference
 * §5.2) keep their own label and everything else counts as `other`.
 */
const DOCUMENTED_EVENT_TYPES = [
  "chat.created",
  "chat.custom_properties.updated",
  "chat.notification.created",
  "message.created",
  "message.updated",
  "message.deleted",
  "message.ack.updated",
  "message.flagged",
  "message.unflagged",
  "message.ticket.attached",
  "reaction.created",
  "reaction.updated",
  "ticket.created",
  "ticket.updated",
  "ticket.deleted",
  "org.phone.connected",
  "org.phone.disconnected",
  "org.phone.updated",
  "org.phone.qr",
  "note.created",
] as const;

export const EVENT_TYPE_LABELS: readonly string[] = [...DOCUMENTED_EVENT_TYPES, "other"];

const INDEX = new Map<string, number>(EVENT_TYPE_LABELS.map((label, index) => [label, index]));
const OTHER = EVENT_TYPE_LABELS.length - 1;

/** Index into `EVENT_TYPE_LABELS`: the metric's children are pre-bound in that order. */
export function eventTypeLabelIndex(eventType: string): number {
  return INDEX.get(eventType) ?? OTHER;
}
