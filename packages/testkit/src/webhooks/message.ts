/**
 * The message object (`data` of `message.*` events, reference §5.4) with the full field set real
 * webhooks carry, derived deterministically from (seed, index).
 */
import { createChatGenerator, type ChatGenerator } from "../simulator/chat-generator.ts";
import { hash32, mulberry32, seedOf } from "../simulator/seeded-random.ts";
import { DEFAULT_ORG_ID } from "./envelope.ts";
import { deterministicDigits, whatsappMessageKey, type Seed } from "./ids.ts";
import { messageText } from "./message-text.ts";
import { formatTimestamp, toMillis, type TimeInput, type TimestampFormat } from "./timestamps.ts";

export const DEFAULT_ORG_PHONE = "447700900123";
export const DEFAULT_SEED = "periskope";
/** Message i is sent at BASE + i seconds unless a time is given. */
const BASE_TIME_MS = Date.parse("2025-06-18T14:00:00Z");

/** When the message the options describe was sent, in epoch milli-seconds. */
export function messageSentAt(options: Pick<MessageOptions, "sentAt" | "index">): number {
  return toMillis(options.sentAt ?? BASE_TIME_MS + (options.index ?? 0) * 1000);
}

export interface MessageOptions {
  seed?: Seed | undefined;
  /** Which message: same seed and index give the same ids, text and times. */
  index?: number | undefined;
  /** Default: a chat derived from the index (a third are groups). */
  chatId?: string | undefined;
  /** Org phone as digits or `<digits>@c.us`. */
  orgPhone?: string | undefined;
  orgId?: string | undefined;
  /** Sender as digits or `<digits>@c.us`; default the org phone when `fromMe`, else a contact. */
  senderPhone?: string | undefined;
  /** Default: every fifth message is outbound. */
  fromMe?: boolean | undefined;
  body?: string | undefined;
  /** Approximate text length when `body` is not given. */
  bodyLength?: number | undefined;
  /** `chat` (text, default), `image`, `document`, … (`image`/`video`/`document`/`audio` add media). */
  messageType?: string | undefined;
  /** When the message was sent. */
  sentAt?: TimeInput | undefined;
  timestampFormat?: TimestampFormat | undefined;
  ack?: number | undefined;
  /** The docs' examples send ack as a string, the delivery-status page says integer. */
  ackAs?: "string" | "number" | undefined;
  /** Sets `data.updated_at`, the event's own version time (defaults to the send time). */
  updatedAt?: TimeInput | undefined;
}

export type MessageData = Record<string, unknown> & { message_id: string; chat_id: string; body: string | null };

const MEDIA_TYPES: Record<string, { mimetype: string; ext: string }> = {
  image: { mimetype: "image/jpeg", ext: "jpeg" },
  video: { mimetype: "video/mp4", ext: "mp4" },
  document: { mimetype: "application/pdf", ext: "pdf" },
  audio: { mimetype: "audio/ogg; codecs=opus", ext: "ogg" },
  ptt: { mimetype: "audio/ogg; codecs=opus", ext: "ogg" },
};

export function jid(phone: string): string {
  return phone.endsWith("@c.us") ? phone : `${phone}@c.us`;
}

const chatPools = new Map<number, ChatGenerator>();

/** A chat id for message i when none is given: one of 50 stable chats, about a third groups. */
export function defaultChatId(seed: Seed, index: number): string {
  const n = seedOf(seed);
  let pool = chatPools.get(n);
  if (!pool) {
    pool = createChatGenerator({ seed: n, count: 50, phones: [DEFAULT_ORG_PHONE], orgId: DEFAULT_ORG_ID });
    chatPools.set(n, pool);
  }
  return pool.idAt(hash32(n, index, 11) % pool.count);
}

export function buildMessage(options: MessageOptions = {}): MessageData {
  const seed = options.seed ?? DEFAULT_SEED;
  const index = options.index ?? 0;
  const random = mulberry32(hash32(seedOf(seed), index, 12));
  const chatId = options.chatId ?? defaultChatId(seed, index);
  const isGroup = chatId.endsWith("@g.us");
  const orgPhone = jid(options.orgPhone ?? DEFAULT_ORG_PHONE);
  const fromMe = options.fromMe ?? index % 5 === 0;
  const contact = isGroup ? `91${deterministicDigits(10, seed, "sender", index)}@c.us` : chatId;
  const sender = options.senderPhone ? jid(options.senderPhone) : fromMe ? orgPhone : contact;
  const key = whatsappMessageKey(seed, index);
  // `<fromMe>_<chat_id>_<key>`, plus the participant for inbound group messages (reference §5.4).
  const messageId = `${fromMe}_${chatId}_${key}${isGroup && !fromMe ? `_${sender}` : ""}`;
  const sentMs = messageSentAt(options);
  const format = options.timestampFormat ?? "postgres";
  const ack = options.ack ?? (fromMe ? 1 : 0);
  const messageType = options.messageType ?? "chat";
  const media = MEDIA_TYPES[messageType];
  const text = options.body ?? messageText(random, options.bodyLength);

  return {
    message_id: messageId,
    unique_id: key,
    id: { id: key, fromMe, remote: chatId, _serialized: messageId },
    chat_id: chatId,
    org_id: options.orgId ?? DEFAULT_ORG_ID,
    org_phone: orgPhone,
    sender_phone: sender,
    // Observed as null in live group traffic even though the docs show the sender here.
    author: null,
    from: fromMe ? orgPhone : sender,
    to: fromMe ? chatId : orgPhone,
    from_me: fromMe,
    body: text,
    message_type: messageType,
    timestamp: formatTimestamp(sentMs, format),
    ack: options.ackAs === "number" ? ack : String(ack),
    has_media: media !== undefined,
    media: media
      ? {
          path: `/storage/v1/object/public/message-media/${key}.${media.ext}`,
          mimetype: media.mimetype,
          filename: `${key}.${media.ext}`,
          size: 20_000 + Math.floor(random() * 2_000_000),
          dimensions: messageType === "image" || messageType === "video" ? { width: 1280, height: 720, ar: 1.78 } : null,
        }
      : null,
    has_quoted_msg: false,
    quoted_message_id: null,
    prev_body: null,
    is_deleted: false,
    is_forwarded: false,
    forwarding_score: 0,
    is_starred: false,
    is_status: false,
    is_ephemeral: false,
    is_gif: false,
    has_reaction: false,
    mentioned_ids: [],
    delivery_info: { delivered: {}, read: {}, pending: [], delivered_count: 0, read_count: 0 },
    performed_by: fromMe ? "ops@acme.example" : null,
    sent_message_id: null,
    broadcast: false,
    broadcast_id: null,
    device_type: fromMe ? "web" : "android",
    duration: messageType === "audio" || messageType === "ptt" ? String(3 + Math.floor(random() * 120)) : null,
    links: [],
    location: null,
    vcards: [],
    poll_info: null,
    poll_results: null,
    flag_status: null,
    flag_metadata: null,
    message_ticket_id: null,
    reactions: [],
    updated_at: formatTimestamp(options.updatedAt ?? sentMs, "iso-micros-offset"),
  };
}
