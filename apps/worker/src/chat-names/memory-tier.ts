/**
 * The in-process tier: an LRU with a TTL (lru-cache), holding names and, for a shorter time, the
 * API's "I do not know this chat", so a burst of messages for an unknown chat costs one call, not one
 * per batch. Bounded in entries, so memory stays flat whatever the number of chats.
 */
import { LRUCache } from "lru-cache";
import { resolved, UNKNOWN, type ChatNameResolution } from "./chat-name.ts";

export interface MemoryTierOptions {
  readonly maxEntries: number;
  readonly ttlMs: number;
  readonly negativeTtlMs: number;
  /** Clock in ms (tests); defaults to `performance.now`. */
  readonly now?: () => number;
}

type Entry = { readonly name: string; readonly chatType?: string | undefined } | { readonly unknown: true };

export class MemoryTier {
  private readonly cache: LRUCache<string, Entry>;
  private readonly negativeTtlMs: number;

  constructor(options: MemoryTierOptions) {
    this.cache = new LRUCache<string, Entry>({
      max: options.maxEntries,
      ttl: options.ttlMs,
      ...(options.now ? { perf: { now: options.now }, ttlResolution: 0 } : {}),
    });
    this.negativeTtlMs = options.negativeTtlMs;
  }

  /** The name, the remembered "unknown", or undefined on a miss. */
  get(chatId: string): ChatNameResolution | undefined {
    const entry = this.cache.get(chatId);
    if (entry === undefined) return undefined;
    if ("unknown" in entry) return UNKNOWN;
    return resolved(entry.name, entry.chatType);
  }

  /** The remembered name, if any (ignores negative entries). */
  nameOf(chatId: string): string | undefined {
    const entry = this.cache.get(chatId);
    return entry && "name" in entry ? entry.name : undefined;
  }

  rememberName(chatId: string, name: string, chatType?: string): void {
    this.cache.set(chatId, chatType === undefined ? { name } : { name, chatType });
  }

  rememberUnknown(chatId: string): void {
    // A known name is never downgraded by a later "unknown" (e.g. a racing lookup).
    if (this.nameOf(chatId) !== undefined) return;
    this.cache.set(chatId, { unknown: true }, { ttl: this.negativeTtlMs });
  }

  get size(): number {
    return this.cache.size;
  }
}
