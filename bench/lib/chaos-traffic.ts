/**
 * The chaos bench's traffic and its oracle, both from the project's webhook builders (testkit):
 * `webhooks` deliveries over the given chats — message.created, updated, ack.updated, flagged,
 * unflagged, deleted, reactions, chat.created and group renames (`chat.notification.created`,
 * `type: "subject"`) — in event-time order, with 10 % of the events delivered late (reordered),
 * 5 % of the messages having two states that share one event time, and duplicates (exact
 * re-deliveries of earlier events) making up 5 % of the deliveries.
 *
 * Only compact descriptors are kept; `bodyAt(i)` builds delivery i's bytes on demand, the same
 * bytes every time (a duplicate is the same body). The oracle is the final document of every
 * message by the documented order (chaos-order.ts), the expected name of every chat (its latest
 * rename by time, else its name), and the ids of every other event.
 */
import {
  buildMessage,
  chatCreated,
  messageAck,
  messageCreated,
  messageDeleted,
  messageFlagged,
  messageUpdated,
  reactionCreated,
  subjectNotification,
  toRawBody,
  type EnvelopeSpelling,
  type WebhookPayload,
} from "@periskope-pipeline/testkit";
import { mulberry32, seedOf } from "../../packages/testkit/src/simulator/seeded-random.ts";
import { isDeletedAtEnd, stateOrder, type MessageEventKind } from "./chaos-order.ts";

export interface ChaosChat {
  readonly chatId: string;
  readonly orgPhone: string;
  /** Its name before any rename (what `chat.created` announces). */
  readonly name: string;
  readonly isGroup: boolean;
}

export interface TrafficOptions {
  readonly seed: string;
  /** Deliveries in all, duplicates included. */
  readonly webhooks: number;
  readonly chats: readonly ChaosChat[];
  /** Event times lie in [startMs, startMs + spanMs), whole seconds (Periskope's precision). */
  readonly startMs: number;
  readonly spanMs: number;
}

/** What the messages index must hold for a message after settling. */
export interface ExpectedMessage {
  readonly chatId: string;
  readonly event_type: MessageEventKind;
  readonly body: string;
  readonly ack: string;
  readonly flag_status: boolean | null;
  readonly is_deleted: boolean;
  readonly updated_at: string;
}

export interface Traffic {
  /** Deliveries, duplicates included (= `webhooks`). */
  readonly count: number;
  bodyAt(index: number): string;
  readonly stats: { messages: number; distinct_events: number; duplicates: number; reordered: number; shared_time_pairs: number; renames: number; chat_created: number; reactions: number };
  /** message_id → its final document. */
  readonly messages: ReadonlyMap<string, ExpectedMessage>;
  /** Envelope ids of the non-message events (the events index's `_id`s). */
  readonly events: ReadonlySet<string>;
  /** chat_id → expected name, for every chat the traffic touches. */
  readonly names: ReadonlyMap<string, string>;
  /**
   * For diagnosis: the deliveries (index in sending order) of a message's events and of its
   * chat's name events (chat.created, renames), with the event time and the name carried.
   */
  deliveriesOf(messageId: string): { message: DeliveryNote[]; names: DeliveryNote[] };
}

export interface DeliveryNote {
  readonly delivery: number;
  readonly kind: string;
  readonly at: string;
  readonly name?: string;
}

type Kind = MessageEventKind | "reaction.created" | "chat.created" | "chat.rename";

interface PlannedEvent {
  readonly kind: Kind;
  at: number;
  /** Message index (message events and reactions) or rename number. */
  readonly ref: number;
  readonly chat: number;
  /** Snapshot of the message as of this event (message events). */
  edited?: boolean;
  ack?: number;
  flag?: boolean | null;
}

interface PlannedMessage {
  readonly t0: number;
  readonly chat: number;
}

const SECOND = 1_000;

export function chaosTraffic(options: TrafficOptions): Traffic {
  const { seed, chats } = options;
  const random = mulberry32(seedOf(seed));
  const between = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const events: PlannedEvent[] = [];
  const renameNames: string[] = [];
  const lastRename = new Map<number, { at: number; name: string }>();

  // Chats: renames of about a third of the groups, spread over the span.
  const spanSeconds = Math.floor(options.spanMs / SECOND);
  chats.forEach((chat, c) => {
    if (!chat.isGroup || random() >= 0.35) return;
    const times = new Set<number>();
    for (let k = between(1, 3); k > 0; k--) times.add(options.startMs + between(60, spanSeconds - 1) * SECOND);
    [...times].sort((a, b) => a - b).forEach((at, k) => {
      const name = `${chat.name} (renamed ${k + 1})`;
      events.push({ kind: "chat.rename", at, ref: renameNames.push(name) - 1, chat: c });
      lastRename.set(c, { at, name });
    });
  });
  // chat.created for half the chats (the others' names come from the API); placed after the messages.
  const announced = chats.map(() => random() < 0.5);
  const chatCreatedCount = announced.filter(Boolean).length;
  const chatEvents = events.length + chatCreatedCount;

  // Messages until the distinct events leave 5 % of the deliveries for duplicates.
  const distinctTarget = Math.max(chatEvents + 1, Math.round(options.webhooks * 0.95));
  const estimate = Math.max(1, Math.round((distinctTarget - chatEvents) / 2.2));
  const messages: PlannedMessage[] = [];
  let sharedTimePairs = 0;
  let reactions = 0;
  while (events.length + chatCreatedCount < distinctTarget) {
    const m = messages.length;
    const t0 = options.startMs + Math.floor((m * spanSeconds) / estimate) * SECOND;
    const chat = between(0, chats.length - 1);
    messages.push({ t0, chat });
    const own: PlannedEvent[] = [{ kind: "message.created", at: t0, ref: m, chat }];
    const add = (kind: MessageEventKind, at: number, extra: Partial<PlannedEvent> = {}): number => {
      // Two states of one rank never share a time: nothing could order them.
      while (own.some((e) => e.at === at && stateOrder(e.kind as MessageEventKind, 0) === stateOrder(kind, 0))) at += SECOND;
      own.push({ kind, at, ref: m, chat, ...extra });
      return at;
    };
    const edit = random() < 0.3 ? t0 + between(1, 300) * SECOND : undefined;
    if (edit !== undefined) add("message.updated", edit);
    if (random() < 0.6) {
      const delivered = t0 + between(1, 60) * SECOND;
      add("message.ack.updated", delivered, { ack: 2 });
      if (random() < 0.5) add("message.ack.updated", delivered + between(1, 600) * SECOND, { ack: 4 });
    }
    if (random() < 0.05) {
      const flagged = t0 + between(100, 900) * SECOND;
      add("message.flagged", flagged, { flag: true });
      if (random() < 0.4) add("message.unflagged", flagged + between(1, 600) * SECOND, { flag: false });
    }
    if (random() < 0.05) {
      // A delivery ack in the same second as the state before it (common: second precision).
      if (add("message.ack.updated", edit ?? t0, { ack: 3 }) === (edit ?? t0)) sharedTimePairs++;
    }
    if (random() < 0.05) {
      const deleted = Math.max(...own.map((e) => e.at)) + between(1, 300) * SECOND;
      add("message.deleted", deleted);
      // Now and then an ack after the deletion, whose snapshot says not deleted: it must not undelete.
      if (random() < 0.2) add("message.ack.updated", deleted + between(1, 60) * SECOND, { ack: 5 });
    }
    // As buildMessage: every fifth message is outbound, sent (ack 1) from the start.
    snapshot(own, m % 5 === 0 ? 1 : 0);
    events.push(...own);
    if (random() < 0.1) {
      events.push({ kind: "reaction.created", at: t0 + between(1, 120) * SECOND, ref: m, chat });
      reactions++;
    }
  }
  // A chat is created before anything happens in it: its first message and its first rename (a
  // chat.created after a rename would rightly bring the first name back).
  const firstAt = new Map<number, number>();
  const seen = (chat: number, at: number) => firstAt.set(chat, Math.min(firstAt.get(chat) ?? at, at));
  for (const m of messages) seen(m.chat, m.t0);
  for (const e of events) if (e.kind === "chat.rename") seen(e.chat, e.at);
  announced.forEach((yes, c) => {
    if (yes) events.push({ kind: "chat.created", at: (firstAt.get(c) ?? options.startMs) - SECOND, ref: c, chat: c });
  });

  // Delivery order: by event time, 10 % late by up to 2,000 deliveries, duplicates up to 5,000 later.
  const byTime = events.map((_, i) => i).sort((a, b) => events[a]!.at - events[b]!.at || a - b);
  const keys: Array<{ key: number; event: number }> = [];
  let reordered = 0;
  byTime.forEach((event, position) => {
    const late = random() < 0.1;
    if (late) reordered++;
    keys.push({ key: late ? position + between(1, 2_000) + 0.5 : position, event });
  });
  const duplicates = Math.max(0, options.webhooks - events.length);
  for (let d = 0; d < duplicates; d++) {
    const position = between(0, byTime.length - 1);
    keys.push({ key: position + between(1, 5_000) + 0.25, event: byTime[position]! });
  }
  keys.sort((a, b) => a.key - b.key);
  const order = Int32Array.from(keys, (k) => k.event);

  // The oracle.
  // Only the ids are kept: at a million webhooks the whole messages would not fit.
  const messageIds = messages.map((m, i) => buildMessage({ seed, index: i, chatId: chats[m.chat]!.chatId, orgPhone: chats[m.chat]!.orgPhone, sentAt: m.t0 }).message_id);
  const perMessage = new Map<number, PlannedEvent[]>();
  const eventIds = new Set<string>();
  for (const e of events) {
    if (e.kind.startsWith("message.")) {
      const list = perMessage.get(e.ref) ?? [];
      list.push(e);
      perMessage.set(e.ref, list);
    } else {
      eventIds.add(String(payloadOf(e).id));
    }
  }
  const expected = new Map<string, ExpectedMessage>();
  for (const [m, list] of perMessage) {
    const winner = list.reduce((a, b) => (stateOrder(b.kind as MessageEventKind, b.at) > stateOrder(a.kind as MessageEventKind, a.at) ? b : a));
    const data = payloadOf(winner).data;
    expected.set(messageIds[m]!, {
      chatId: chats[messages[m]!.chat]!.chatId,
      event_type: winner.kind as MessageEventKind,
      body: String(data.body),
      ack: String(data.ack),
      flag_status: (data.flag_status as boolean | null) ?? null,
      is_deleted: isDeletedAtEnd(list.map((e) => e.kind as MessageEventKind)),
      updated_at: String(data.updated_at),
    });
  }
  const names = new Map<string, string>();
  for (const e of events) {
    const chat = chats[e.chat]!;
    names.set(chat.chatId, lastRename.get(e.chat)?.name ?? chat.name);
  }

  function payloadOf(e: PlannedEvent): WebhookPayload {
    const chat = chats[e.chat]!;
    if (e.kind === "chat.created") {
      const at = new Date(e.at).toISOString();
      return chatCreated({ seed, chat: { chat_id: chat.chatId, chat_name: chat.name, chat_type: chat.isGroup ? "group" : "user", created_at: at, updated_at: at }, orgPhone: chat.orgPhone, createdAt: e.at });
    }
    if (e.kind === "chat.rename") return subjectNotification({ seed, chatId: chat.chatId, newName: renameNames[e.ref]!, orgPhone: chat.orgPhone, at: e.at });
    const m = messages[e.ref]!;
    const common = { seed, index: e.ref, chatId: chat.chatId, orgPhone: chat.orgPhone, sentAt: m.t0 };
    if (e.kind === "reaction.created") return reactionCreated({ ...common, at: e.at });
    // Message events: half in each envelope spelling, the snapshot as of the event.
    const spelling: EnvelopeSpelling = e.ref % 2 === 0 ? "event_type" : "event";
    const state = { ...common, spelling, ack: e.ack!, ...(e.edited ? { body: editedBody(common) } : {}) };
    let payload: WebhookPayload;
    switch (e.kind) {
      case "message.created":
        payload = messageCreated({ ...state, updatedAt: e.at });
        break;
      case "message.updated":
        payload = messageUpdated({ ...common, spelling, ack: e.ack!, newBody: editedBody(common), editedAt: e.at });
        break;
      case "message.ack.updated":
        payload = messageAck({ ...state, ackAt: e.at });
        break;
      case "message.flagged":
      case "message.unflagged":
        payload = messageFlagged({ ...state, flagged: e.kind === "message.flagged", flaggedAt: e.at });
        break;
      case "message.deleted":
        payload = messageDeleted({ ...state, deletedAt: e.at });
        break;
    }
    if (e.kind !== "message.flagged" && e.kind !== "message.unflagged" && e.flag != null) payload.data.flag_status = e.flag;
    return payload;
  }

  function deliveriesOf(messageId: string): { message: DeliveryNote[]; names: DeliveryNote[] } {
    const m = messageIds.indexOf(messageId);
    const chat = m < 0 ? -1 : messages[m]!.chat;
    const notes = { message: [] as DeliveryNote[], names: [] as DeliveryNote[] };
    order.forEach((index, delivery) => {
      const e = events[index]!;
      const at = new Date(e.at).toISOString();
      if (e.kind.startsWith("message.") && e.ref === m) notes.message.push({ delivery, kind: e.kind, at });
      else if (e.chat === chat && e.kind === "chat.rename") notes.names.push({ delivery, kind: e.kind, at, name: renameNames[e.ref]! });
      else if (e.chat === chat && e.kind === "chat.created") notes.names.push({ delivery, kind: e.kind, at, name: chats[chat]!.name });
    });
    return notes;
  }

  return {
    count: order.length,
    deliveriesOf,
    bodyAt: (index) => toRawBody(payloadOf(events[order[index]!]!)),
    stats: {
      messages: messages.length,
      distinct_events: events.length,
      duplicates,
      reordered,
      shared_time_pairs: sharedTimePairs,
      renames: renameNames.length,
      chat_created: chatCreatedCount,
      reactions,
    },
    messages: expected,
    events: eventIds,
    names,
  };
}

/** Each event's snapshot: the message as of that state (edited text, highest ack, flag). */
function snapshot(own: PlannedEvent[], initialAck: number): void {
  own.sort((a, b) => stateOrder(a.kind as MessageEventKind, a.at) - stateOrder(b.kind as MessageEventKind, b.at));
  let edited = false;
  let ack = initialAck;
  let flag: boolean | null = null;
  for (const e of own) {
    if (e.kind === "message.updated") edited = true;
    if (e.kind === "message.flagged") flag = true;
    if (e.kind === "message.unflagged") flag = false;
    ack = Math.max(ack, e.ack ?? 0);
    e.edited = edited;
    e.ack = ack;
    e.flag = flag;
  }
}

function editedBody(options: Parameters<typeof buildMessage>[0] & { index: number }): string {
  // The same text messageUpdated derives by default, so every later snapshot carries the edit.
  return `${buildMessage(options).body ?? ""} (edited)`;
}
