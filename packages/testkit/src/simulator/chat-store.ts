/**
 * The simulator's chats: the generated set plus runtime edits (upserts, renames, removals).
 *
 * Lists are per phone and ordered by activity, latest first. An edited chat moves to the front of
 * its phone's list, as a renamed group would on the real API, so offset paging during edits skips
 * or repeats chats exactly the way the reference warns about (§3).
 */
import type { ChatGenerator } from "./chat-generator.ts";
import type { SimulatedChat, SimulatedChatType } from "./simulated-chat.ts";

export interface ListQuery {
  offset: number;
  limit: number;
  chatType?: SimulatedChatType | undefined;
}

export class ChatStore {
  private readonly generator: ChatGenerator;
  /** Chats edited or added at runtime, by id. */
  private readonly edited = new Map<string, SimulatedChat>();
  private readonly removed = new Set<string>();
  /** Per phone, ids of edited chats, most recently edited first. */
  private readonly front = new Map<string, string[]>();

  constructor(generator: ChatGenerator) {
    this.generator = generator;
  }

  get phones(): readonly string[] {
    return this.generator.phones;
  }

  get(chatId: string): SimulatedChat | undefined {
    if (this.removed.has(chatId)) return undefined;
    const edited = this.edited.get(chatId);
    if (edited) return edited;
    const index = this.generator.indexOf(chatId);
    return index === undefined ? undefined : this.generator.chatAt(index);
  }

  /** The phone (digits) whose list holds the chat. */
  phoneOf(chatId: string): string | undefined {
    const chat = this.get(chatId);
    return chat ? chat.org_phone.replace(/@c\.us$/, "") : undefined;
  }

  list(phone: string, query: ListQuery): SimulatedChat[] {
    const page: SimulatedChat[] = [];
    let skip = query.offset;
    for (const chat of this.ordered(phone, query.chatType)) {
      if (skip > 0) {
        skip--;
        continue;
      }
      page.push(chat());
      if (page.length >= query.limit) break;
    }
    return page;
  }

  /** Adds or replaces a chat on `phone`; given fields win over the existing chat's. */
  upsert(phone: string, chat: Partial<SimulatedChat> & { chat_id: string }): SimulatedChat {
    const existing = this.get(chat.chat_id);
    const orgPhone = `${phone}@c.us`;
    const merged: SimulatedChat = {
      chat_name: null,
      chat_type: chat.chat_id.endsWith("@g.us") ? "group" : "user",
      org_id: this.generator.orgId,
      members: null,
      member_count: null,
      created_at: new Date().toISOString(),
      ...existing,
      ...chat,
      org_phone: orgPhone,
      chat_org_phones: [orgPhone],
      updated_at: chat.updated_at ?? new Date().toISOString(),
    };
    this.removed.delete(chat.chat_id);
    this.edited.set(chat.chat_id, merged);
    this.moveToFront(phone, chat.chat_id);
    return merged;
  }

  rename(chatId: string, name: string | null): SimulatedChat | undefined {
    const phone = this.phoneOf(chatId);
    if (phone === undefined) return undefined;
    return this.upsert(phone, { chat_id: chatId, chat_name: name, updated_at: new Date().toISOString() });
  }

  remove(chatId: string): boolean {
    if (!this.get(chatId)) return false;
    this.removed.add(chatId);
    this.edited.delete(chatId);
    for (const ids of this.front.values()) {
      const at = ids.indexOf(chatId);
      if (at >= 0) ids.splice(at, 1);
    }
    return true;
  }

  /** Thunks, so chats skipped by the offset are never built. */
  private *ordered(phone: string, chatType: SimulatedChatType | undefined): Generator<() => SimulatedChat> {
    for (const id of this.front.get(phone) ?? []) {
      const chat = this.edited.get(id);
      if (chat && (chatType === undefined || chat.chat_type === chatType)) yield () => chat;
    }
    const phones = this.generator.phones;
    const first = phones.indexOf(phone);
    if (first < 0) return;
    for (let i = first; i < this.generator.count; i += phones.length) {
      if (chatType !== undefined && this.generator.typeAt(i) !== chatType) continue;
      const id = this.generator.idAt(i);
      // Edited chats were served from the front; removed ones are gone.
      if (this.edited.has(id) || this.removed.has(id)) continue;
      yield () => this.generator.chatAt(i);
    }
  }

  private moveToFront(phone: string, chatId: string): void {
    for (const ids of this.front.values()) {
      const at = ids.indexOf(chatId);
      if (at >= 0) ids.splice(at, 1);
    }
    const ids = this.front.get(phone) ?? [];
    ids.unshift(chatId);
    this.front.set(phone, ids);
  }
}
