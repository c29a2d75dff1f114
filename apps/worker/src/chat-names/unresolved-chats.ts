/**
 * Chats this worker indexed messages for without a name, so it can finish the job (design §3.6):
 * when the name becomes known the messages are filled, and chats that failed for lack of an API
 * (outage, open circuit, slow lookup) are looked up again every `retryIntervalMs`. Chats the API
 * said it does not know are not asked again from here; their name arrives by webhook or refresh.
 *
 * Bounded: past `maxChats` the oldest entries are dropped (the backfill-chat-names command covers
 * anything this process forgot). After a restart the list is seeded from the messages index
 * (`unresolved-in-index.ts`), so the chats a previous process left unresolved are still filled.
 */
import type { ChatNameResolution, UnresolvedReason } from "./chat-name.ts";

export interface UnresolvedChatsOptions {
  readonly maxChats?: number;
  readonly onSizeChange?: (size: number) => void;
}

interface Entry {
  readonly reason: UnresolvedReason;
  readonly phone: string | undefined;
}

export class UnresolvedChats {
  private readonly chats = new Map<string, Entry>();
  private readonly maxChats: number;
  private readonly onSizeChange: ((size: number) => void) | undefined;

  constructor(options: UnresolvedChatsOptions = {}) {
    this.maxChats = options.maxChats ?? 50_000;
    this.onSizeChange = options.onSizeChange;
  }

  track(chatId: string, reason: UnresolvedReason, phone: string | undefined): void {
    this.chats.delete(chatId);
    this.chats.set(chatId, { reason, phone });
    if (this.chats.size > this.maxChats) {
      const oldest = this.chats.keys().next().value;
      if (oldest !== undefined) this.chats.delete(oldest);
    }
    this.onSizeChange?.(this.chats.size);
  }

  /** Chats found unresolved in the messages index at startup; those tracked already keep their reason. */
  seed(chats: ReadonlyMap<string, string | undefined>): void {
    for (const [chatId, phone] of chats) if (!this.chats.has(chatId)) this.track(chatId, "unavailable", phone);
  }

  forget(chatId: string): void {
    if (this.chats.delete(chatId)) this.onSizeChange?.(this.chats.size);
  }

  has(chatId: string): boolean {
    return this.chats.has(chatId);
  }

  get size(): number {
    return this.chats.size;
  }

  /** Chats worth asking again: every reason but "unknown", with the phone that saw them. */
  retryable(): Map<string, string | undefined> {
    const due = new Map<string, string | undefined>();
    for (const [chatId, entry] of this.chats) if (entry.reason !== "unknown") due.set(chatId, entry.phone);
    return due;
  }

  /** Records the outcome of asking again: still unresolved chats keep their (new) reason. */
  update(results: ReadonlyMap<string, ChatNameResolution>): void {
    for (const [chatId, resolution] of results) {
      const entry = this.chats.get(chatId);
      if (!entry) continue;
      if (resolution.status === "resolved") this.chats.delete(chatId);
      else this.chats.set(chatId, { reason: resolution.reason, phone: entry.phone });
    }
    this.onSizeChange?.(this.chats.size);
  }
}
