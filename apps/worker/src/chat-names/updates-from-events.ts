/**
 * Names that arrive in webhooks, so the cache learns them without asking the API (design §3.4):
 * `chat.created` (and `chat.custom_properties.updated`, which carries the same chat object) hold the
 * chat's `chat_name`; a group rename arrives as `chat.notification.created` with `type: "subject"`
 * and the new name in `body` (reference §5.2, inferred there and followed here).
 */
import { CHAT_CREATED, CHAT_NOTIFICATION_CREATED, parsePeriskopeTime, type WebhookEnvelope } from "@periskope-pipeline/contracts";
import type { ChatNameUpdate } from "./chat-name.ts";

const CHAT_OBJECT_EVENTS: ReadonlySet<string> = new Set([CHAT_CREATED, "chat.custom_properties.updated"]);

export function chatNameUpdateFromEvent(envelope: WebhookEnvelope): ChatNameUpdate | undefined {
  const data = envelope.data;
  const chatId = nonEmpty(data.chat_id);
  if (chatId === undefined) return undefined;
  const orgPhone = nonEmpty(data.org_phone);

  if (CHAT_OBJECT_EVENTS.has(envelope.eventType)) {
    const chatName = nonEmpty(data.chat_name);
    if (chatName === undefined) return undefined;
    const chatType = nonEmpty(data.chat_type);
    const changedAt = parsePeriskopeTime(data.updated_at) ?? parsePeriskopeTime(data.created_at) ?? parsePeriskopeTime(envelope.timestamp);
    return {
      chatId,
      chatName,
      source: "webhook",
      ...(chatType !== undefined ? { chatType } : {}),
      ...(orgPhone !== undefined ? { orgPhone } : {}),
      ...(changedAt !== null ? { changedAt } : {}),
    };
  }

  if (envelope.eventType === CHAT_NOTIFICATION_CREATED && data.type === "subject") {
    const chatName = nonEmpty(data.body);
    if (chatName === undefined) return undefined;
    const changedAt = parsePeriskopeTime(data.timestamp) ?? parsePeriskopeTime(envelope.timestamp);
    return {
      chatId,
      chatName,
      source: "webhook",
      // Only groups have subjects.
      chatType: "group",
      ...(orgPhone !== undefined ? { orgPhone } : {}),
      ...(changedAt !== null ? { changedAt } : {}),
    };
  }
  return undefined;
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value : undefined;
}
