/**
 * The in-process tier: an LRU with a TTL (lru-cache), holding names and, for a shorter time, the
 * API's "I do not know this chat", so a burst of messages for an unknown chat costs one call, not one
 * per batch. Bounded in entries, so memory stays flat whatever the number of chats.
 *
 * A name is served from memory for the whole TTL, but after `revalidateMs` it is due to be compared
 * with the cache index again (the resolver does that in the batch's one `mget`): a chat renamed by a
 * refresh, or learned anew by another replica, reaches every replica within that time.
 */
import { LRUCache } from "lru-cache";
import { resolved, UNKNOWN, type ChatNameResolution } from "./chat-name.ts";

export interface MemoryTierOptions {
  readonly maxEntries: number;
  readonly ttlMs: number;
  readonly negativeTtlMs: number;
  /** After this long a remembered name is due to be compared with the cache index again. */
  readonly revalidateMs?: number;
  /** Clock in ms (tests); defaults to `performance.now`. */
  readonly now?: () => number;
}

type Entry = { readonly name: string; readonly chatType?: string | undefined; checkedAt: number } | { readonly unknown: true };

export class MemoryTier {
  private readonly cache: LRUCache<string, Entry>;
  private readonly negativeTtlMs: number;
  private readonly revalidateMs: number;
  private readonly now: () => number;

  constructor(options: MemoryTierOptions) {
    this.cache = new LRUCache<string, Entry>({
      max: options.maxEntries,
      ttl: options.ttlMs,
      ...(options.now ? { perf: { now: options.now }, ttlResolution: 0 } : {}),
    });
    this.negativeTtlMs = options.negativeTtlMs;
    this.revalidateMs = options.revalidateMs ?? Number.POSITIVE_INFINITY;
    this.now = options.now ?? (() => performance.now());
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
    const checkedAt = this.now();
    this.cache.set(chatId, chatType === undefined ? { name, checkedAt } : { name, chatType, checkedAt });
  }

  /** Whether the remembered name is due to be compared with the cache index again. */
  isDue(chatId: string): boolean {
    const entry = this.cache.peek(chatId);
    return entry !== undefined && "name" in entry && this.now() - entry.checkedAt >= this.revalidateMs;
  }

  /** The cache index agreed (or had nothing newer): the name counts as checked now. */
  markChecked(chatId: string): void {
    const entry = this.cache.peek(chatId);
    if (entry !== undefined && "name" in entry) entry.checkedAt = this.now();
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
