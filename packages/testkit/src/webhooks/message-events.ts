/**
 * `message.*` webhooks. The same `seed` + `index` name the same message across builders, so a test
 * can send a message's creation, edit, acks and deletion in any order and check convergence.
 *
 * @example
 * ```ts
 * const created = messageCreated({ index: 7, chatId: "120363400000000001@g.us" });
 * const read = messageAck({ index: 7, chatId: "120363400000000001@g.us", ack: 4 });
 * await sendWebhook(url, toRawBody(read), { key });   // out of order on purpose
 * await sendWebhook(url, toRawBody(created), { key });
 * ```
 */
import { wrapEvent, type EnvelopeOptions, type WebhookPayload } from "./envelope.ts";
import { buildMessage, DEFAULT_SEED, messageSentAt, type MessageOptions } from "./message.ts";
import { formatTimestamp, toMillis, type TimeInput } from "./timestamps.ts";

export type MessageEventOptions = MessageOptions & EnvelopeOptions;

const sentMillis = messageSentAt;

function wrap(eventName: string, data: Record<string, unknown>, options: MessageEventOptions, at: number): WebhookPayload {
  return wrapEvent(eventName, data, { ...options, seed: options.seed ?? DEFAULT_SEED, key: String(data.message_id), defaultEmittedAt: at });
}

export function messageCreated(options: MessageEventOptions = {}): WebhookPayload {
  const data = buildMessage(options);
  return wrap("message.created", data, options, toMillis(options.updatedAt ?? sentMillis(options)));
}

/** An edit: `body` becomes `newBody`, the old text moves to `prev_body` and `previous_attributes`. */
export function messageUpdated(options: MessageEventOptions & { newBody?: string | undefined; editedAt?: TimeInput | undefined } = {}): WebhookPayload {
  const editedAt = toMillis(options.editedAt ?? sentMillis(options) + 60_000);
  const original = buildMessage(options);
  const newBody = options.newBody ?? `${original.body ?? ""} (edited)`;
  const data = { ...original, body: newBody, prev_body: original.body, updated_at: formatTimestamp(editedAt, "iso-micros-offset") };
  return wrap("message.updated", data, { previousAttributes: { body: original.body }, ...options }, editedAt);
}

/** A delivery-status change; `ack` 2 delivered, 3 delivered to all, 4 read, 5 read by all. */
export function messageAck(options: MessageEventOptions & { ackAt?: TimeInput | undefined } = {}): WebhookPayload {
  const ack = options.ack ?? 4;
  const ackAt = toMillis(options.ackAt ?? sentMillis(options) + ack * 5_000);
  const base = buildMessage({ ...options, ack });
  const recipient = base.from_me ? String(base.chat_id) : String(base.org_phone);
  const delivered = ack >= 2 ? { [recipient]: ackAt } : {};
  const read = ack >= 4 ? { [recipient]: ackAt } : {};
  const data = {
    ...base,
    delivery_info: { delivered, read, pending: ack < 2 ? [recipient] : [], delivered_count: Object.keys(delivered).length, read_count: Object.keys(read).length },
    updated_at: formatTimestamp(ackAt, "iso-micros-offset"),
  };
  const previousAck = options.ackAs === "number" ? ack - 1 : String(ack - 1);
  return wrap("message.ack.updated", data, { previousAttributes: { ack: previousAck }, ...options }, ackAt);
}

/** A deletion for everyone: `is_deleted: true`; the document should stay, flagged. */
export function messageDeleted(options: MessageEventOptions & { deletedAt?: TimeInput | undefined } = {}): WebhookPayload {
  const deletedAt = toMillis(options.deletedAt ?? sentMillis(options) + 120_000);
  const data = { ...buildMessage(options), is_deleted: true, updated_at: formatTimestamp(deletedAt, "iso-micros-offset") };
  return wrap("message.deleted", data, { previousAttributes: { is_deleted: false }, ...options }, deletedAt);
}

/** `message.flagged` (or `message.unflagged` with `flagged: false`). */
export function messageFlagged(options: MessageEventOptions & { flagged?: boolean | undefined; flaggedAt?: TimeInput | undefined } = {}): WebhookPayload {
  const flagged = options.flagged ?? true;
  const at = toMillis(options.flaggedAt ?? sentMillis(options) + 300_000);
  const data = {
    ...buildMessage(options),
    flag_status: flagged,
    flag_metadata: flagged ? { flagged_by: "ops@acme.example", flagged_at: formatTimestamp(at, "iso-millis-offset") } : null,
    updated_at: formatTimestamp(at, "iso-micros-offset"),
  };
  return wrap(flagged ? "message.flagged" : "message.unflagged", data, options, at);
}

export interface MessageBatchOptions extends Omit<MessageEventOptions, "index" | "chatId" | "envelopeId"> {
  count: number;
  /** Index of the first message (default 0), so batches can continue one another. */
  startIndex?: number | undefined;
  /** Chats to spread messages over round-robin, e.g. `sim.chatIds({ limit: 200 })`. */
  chatIds?: readonly string[] | undefined;
}

/** `count` distinct `message.created` webhooks (distinct `message_id`s), deterministic. */
export function messageCreatedBatch(options: MessageBatchOptions): WebhookPayload[] {
  const start = options.startIndex ?? 0;
  return Array.from({ length: options.count }, (_, i) =>
    messageCreated({ ...options, index: start + i, chatId: options.chatIds?.length ? options.chatIds[i % options.chatIds.length] : undefined }),
  );
}
