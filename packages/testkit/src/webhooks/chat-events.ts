/**
 * `chat.created` and `chat.notification.created` webhooks: the events that carry chat names
 * without an API call (a new chat's `chat_name`; a group rename's new subject in `body`).
 */
import { createChatGenerator } from "../simulator/chat-generator.ts";
import { hash32, seedOf } from "../simulator/seeded-random.ts";
import type { SimulatedChat } from "../simulator/simulated-chat.ts";
import { DEFAULT_ORG_ID, wrapEvent, type EnvelopeOptions, type WebhookPayload } from "./envelope.ts";
import { deterministicDigits, digestHex, type Seed } from "./ids.ts";
import { DEFAULT_ORG_PHONE, DEFAULT_SEED, jid } from "./message.ts";
import { formatTimestamp, toMillis, type TimeInput, type TimestampFormat } from "./timestamps.ts";

const BASE_TIME_MS = Date.parse("2025-06-19T08:00:00Z");

export interface ChatCreatedOptions extends EnvelopeOptions {
  seed?: Seed | undefined;
  index?: number | undefined;
  /** The chat to announce, e.g. `sim.getChat(id)`; fields given here win over generated ones. */
  chat?: (Partial<SimulatedChat> & { chat_id?: string | undefined }) | undefined;
  orgPhone?: string | undefined;
  /** Label names (`chat.created` carries `labels: string[]`, reference §2). */
  labels?: string[] | undefined;
  createdAt?: TimeInput | undefined;
}

/** `chat.created` with a chat object plus `labels`; by default a new group derived from `index`. */
export function chatCreated(options: ChatCreatedOptions = {}): WebhookPayload {
  const seed = options.seed ?? DEFAULT_SEED;
  const index = options.index ?? 0;
  const orgPhone = jid(options.orgPhone ?? DEFAULT_ORG_PHONE);
  const digits = orgPhone.replace(/@c\.us$/, "");
  const generated = createChatGenerator({ seed: hash32(seedOf(seed), index, 13), count: 1, phones: [digits], orgId: options.orgId ?? DEFAULT_ORG_ID, groupRatio: 0.7 }).chatAt(0);
  const createdMs = toMillis(options.createdAt ?? BASE_TIME_MS + index * 1000);
  const created = formatTimestamp(createdMs, "iso-offset");
  const data = { ...generated, created_at: created, updated_at: created, ...options.chat, labels: options.labels ?? [] };
  return wrapEvent("chat.created", data, { ...options, seed, key: String(data.chat_id), defaultEmittedAt: createdMs });
}

export interface NotificationOptions extends EnvelopeOptions {
  seed?: Seed | undefined;
  chatId: string;
  /** Group action: `subject`, `add`, `remove`, `promote`, `demote`, `desc`, … */
  type: string;
  body?: string | undefined;
  /** Who did it, as digits or `<digits>@c.us`. */
  author?: string | undefined;
  recipientIds?: string[] | undefined;
  orgPhone?: string | undefined;
  at?: TimeInput | undefined;
  timestampFormat?: TimestampFormat | undefined;
}

/** `chat.notification.created`: a group event (member added, subject changed, …). */
export function groupNotification(options: NotificationOptions): WebhookPayload {
  const seed = options.seed ?? DEFAULT_SEED;
  const orgPhone = jid(options.orgPhone ?? DEFAULT_ORG_PHONE);
  const author = jid(options.author ?? `44${deterministicDigits(10, seed, "author", options.chatId)}`);
  const atMs = toMillis(options.at ?? BASE_TIME_MS + 3_600_000);
  const short = digestHex(seed, "notification", options.chatId, options.type, atMs).slice(0, 6);
  const notificationId = `true_${options.chatId}_${short}_${author}_${options.type}`;
  const data = {
    notification_id: notificationId,
    unique_id: short,
    id: notificationId,
    chat_id: options.chatId,
    author,
    type: options.type,
    body: options.body ?? "",
    recipientids: options.recipientIds ?? [],
    timestamp: formatTimestamp(atMs, options.timestampFormat ?? "iso-millis-offset"),
    org_id: options.orgId ?? DEFAULT_ORG_ID,
    org_phone: orgPhone,
    metadata: {},
  };
  return wrapEvent("chat.notification.created", data, { ...options, seed, key: notificationId, defaultEmittedAt: atMs });
}

/** A group rename: `type: "subject"` with the new name in `body` (reference §5.2, inferred). */
export function subjectNotification(options: Omit<NotificationOptions, "type" | "body"> & { newName: string }): WebhookPayload {
  return groupNotification({ ...options, type: "subject", body: options.newName });
}
