/**
 * The in-process tier: an LRU with a TTL (lru-cache), holding names and, for a shorter time, the
 * API's "I do not know this chat", so a burst of messages for an unknown chat costs one call, not one
 * per batch. Bounded in entries, so memory stays flat whatever the number of chats.
 *
 * A name is served from memory for the whole TTL, but after `revalidateMs` it is due to be compared
 * with the cache index again (the resolver does that in the batch's one `mget`): a chat renamed by a
 * refresh, or learned anew by another replica, reaches every replica within that time.
 *
 * Names are ordered by their change time, as the cache index orders them (`external_gte` on it): a
 * name known to have changed before the remembered one (a replayed rename, a slow API answer from
 * before a rename) is refused. A name without a change time is taken, as the cache index takes it
 * with the time it is written.
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

type Entry =
  | { readonly name: string; readonly chatType?: string | undefined; readonly changedAt?: number | undefined; checkedAt: number }
  | { readonly unknown: true };

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

  /**
   * Remembers a name unless the one remembered changed later (`changedAt`, epoch ms); returns
   * whether it was taken. An equal time takes the new name, like `external_gte`.
   */
  rememberName(chatId: string, name: string, chatType?: string, changedAt?: number): boolean {
    const current = this.cache.peek(chatId);
    if (current !== undefined && "name" in current && current.changedAt !== undefined && changedAt !== undefined && changedAt < current.changedAt) {
      return false;
    }
    this.cache.set(chatId, { name, checkedAt: this.now(), ...(chatType !== undefined ? { chatType } : {}), ...(changedAt !== undefined ? { changedAt } : {}) });
    return true;
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

  /** Drops what is remembered of a chat: the next lookup reads the cache index. */
  forget(chatId: string): void {
    this.cache.delete(chatId);
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
