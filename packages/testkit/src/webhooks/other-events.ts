/**
 * Events the pipeline stores as they are (reactions, tickets, phone status) and a generic builder
 * for any other name, so tests can prove nothing unhandled is lost.
 */
import { DEFAULT_ORG_ID, wrapEvent, type EnvelopeOptions, type WebhookPayload } from "./envelope.ts";
import { deterministicUuid, digestHex, type Seed } from "./ids.ts";
import { buildMessage, DEFAULT_ORG_PHONE, DEFAULT_SEED, jid, messageSentAt, type MessageOptions } from "./message.ts";
import { formatTimestamp, toMillis, type TimeInput } from "./timestamps.ts";

/** Any event name with any `data`, e.g. `org.phone.disconnected` or a name Periskope adds later. */
export function webhookEvent(eventName: string, data: Record<string, unknown>, options: EnvelopeOptions & { seed?: Seed | undefined } = {}): WebhookPayload {
  const seed = options.seed ?? DEFAULT_SEED;
  return wrapEvent(eventName, data, { ...options, seed, key: digestHex(seed, JSON.stringify(data)), defaultEmittedAt: Date.parse("2025-06-19T10:00:00Z") });
}

/** `reaction.created` (or `reaction.updated`) on the message that `MessageOptions` name. */
export function reactionCreated(
  options: MessageOptions & EnvelopeOptions & { reaction?: string | undefined; reactor?: string | undefined; updated?: boolean | undefined; at?: TimeInput | undefined } = {},
): WebhookPayload {
  const seed = options.seed ?? DEFAULT_SEED;
  const message = buildMessage(options);
  const atMs = toMillis(options.at ?? messageSentAt(options) + 30_000);
  const sender = jid(options.reactor ?? String(message.from_me ? message.chat_id : message.org_phone));
  const reactionId = `${message.message_id}_${sender}`;
  const data = {
    reaction_id: reactionId,
    reaction: options.reaction ?? "👍",
    message_id: message.message_id,
    msg_id: message.unique_id,
    sender_id: sender,
    chat_id: message.chat_id,
    org_id: message.org_id,
    org_phone: message.org_phone,
    timestamp: formatTimestamp(atMs, "iso-offset"),
    ack: 1,
    read: false,
  };
  return wrapEvent(options.updated ? "reaction.updated" : "reaction.created", data, { ...options, seed, key: reactionId, defaultEmittedAt: atMs });
}

/** `ticket.created` (or `.updated`/`.deleted`) for a chat, with the message that opened it. */
export function ticketCreated(
  options: MessageOptions & EnvelopeOptions & { status?: string | undefined; subject?: string | undefined; action?: "created" | "updated" | "deleted" | undefined } = {},
): WebhookPayload {
  const seed = options.seed ?? DEFAULT_SEED;
  const message = buildMessage(options);
  const atMs = messageSentAt(options) + 10_000;
  const ticketId = deterministicUuid(seed, "ticket", message.message_id);
  const data = {
    ticket: {
      ticket_id: ticketId,
      org_id: message.org_id,
      chat_id: message.chat_id,
      subject: options.subject ?? String(message.body).slice(0, 60),
      status: options.status ?? "open",
      priority: 2,
      assignee: "ops@acme.example",
      raised_by: message.sender_phone,
      created_at: formatTimestamp(atMs, "iso-micros-offset"),
      due_date: null,
      is_deleted: options.action === "deleted",
      custom_properties: {},
    },
    chat: { chat_id: message.chat_id, org_phone: jid(options.orgPhone ?? DEFAULT_ORG_PHONE), org_id: options.orgId ?? DEFAULT_ORG_ID },
    message,
    attached_messages: [message.message_id],
  };
  return wrapEvent(`ticket.${options.action ?? "created"}`, data, { ...options, seed, key: ticketId, defaultEmittedAt: atMs });
}
