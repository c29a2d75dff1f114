/**
 * Periskope event names the pipeline treats specially (reference §5.2). Every other name is still
 * accepted by the ingress and indexed raw into the events index by the worker.
 */

/** Events whose `data` is a message object: upserted into the messages index by `message_id`. */
export const MESSAGE_EVENT_TYPES = [
  "message.created",
  "message.updated",
  "message.ack.updated",
  "message.flagged",
  "message.unflagged",
  "message.deleted",
] as const;

export type MessageEventType = (typeof MESSAGE_EVENT_TYPES)[number];

const messageEventTypes: ReadonlySet<string> = new Set(MESSAGE_EVENT_TYPES);

export function isMessageEvent(eventType: string): eventType is MessageEventType {
  return messageEventTypes.has(eventType);
}

/** `data` is a chat object carrying `chat_name`: feeds the chat-name cache without an API call. */
export const CHAT_CREATED = "chat.created";
/** Group notifications; `type: "subject"` carries a group's new name in `body` (reference §5.2). */
export const CHAT_NOTIFICATION_CREATED = "chat.notification.created";
