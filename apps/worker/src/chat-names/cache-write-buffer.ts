/**
 * Collects names to write back to the cache index and writes them in bulk: every `maxDelayMs`, or
 * at once when `maxBatch` are waiting. One write runs at a time; the newest name per chat wins.
 *
 * Bounded while Elasticsearch is slow or away: at most `maxPending` chats wait. Names the policy
 * could not write (Elasticsearch unavailable past its budget) wait again, for `retryDelayMs`; a new
 * chat past the bound is dropped (`onOverflow`). Dropping is safe because the cache index holds
 * derived data: the name stays in this process's memory tier (messages get it), and the index
 * learns it again from the next lookup of that chat or from refresh-cache. Names refused for good
 * are reported (`onError`) and dropped.
 */
import type { ChatNameUpdate } from "./chat-name.ts";
import { supersedes, type CacheWriteResult } from "./cache-index.ts";

export interface CacheWriteBufferOptions {
  readonly write: (updates: readonly ChatNameUpdate[]) => Promise<CacheWriteResult>;
  readonly maxBatch?: number;
  readonly maxDelayMs?: number;
  /** Chats whose names may wait to be written (CHAT_NAME_CACHE_WRITE_MAX_PENDING). */
  readonly maxPending?: number;
  /** Wait before writing again what Elasticsearch could not take. */
  readonly retryDelayMs?: number;
  readonly onOverflow?: (dropped: number) => void;
  readonly onError?: (error: unknown, count: number) => void;
}

export class CacheWriteBuffer {
  private pending = new Map<string, ChatNameUpdate>();
  private timer: NodeJS.Timeout | undefined;
  /** The write in flight; names added meanwhile wait in `pending`, so the bound covers them. */
  private writing: Promise<void> | undefined;
  private readonly options: CacheWriteBufferOptions;
  private readonly maxBatch: number;
  private readonly maxDelayMs: number;
  private readonly maxPending: number;

  constructor(options: CacheWriteBufferOptions) {
    this.options = options;
    this.maxBatch = options.maxBatch ?? 500;
    this.maxDelayMs = options.maxDelayMs ?? 100;
    this.maxPending = options.maxPending ?? 10_000;
  }

  add(updates: readonly ChatNameUpdate[]): void {
    this.enqueue(updates);
    if (this.pending.size >= this.maxBatch && !this.writing) void this.flush();
    else this.schedule(this.maxDelayMs);
  }

  get size(): number {
    return this.pending.size;
  }

  /** Writes what is waiting, after the write in flight; resolves when both have finished. */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.writing) await this.writing;
    if (this.pending.size === 0) return;
    const batch = [...this.pending.values()];
    this.pending = new Map();
    this.writing = this.write(batch).finally(() => {
      this.writing = undefined;
      this.schedule(this.maxDelayMs);
    });
    await this.writing;
  }

  private async write(batch: readonly ChatNameUpdate[]): Promise<void> {
    try {
      const { retry } = await this.options.write(batch);
      // Not at once: while Elasticsearch is away that would be a loop. A chat that got a name
      // while this write was out keeps that newer one.
      this.enqueue(retry.filter((u) => !this.pending.has(u.chatId)));
      if (retry.length > 0) this.schedule(this.options.retryDelayMs ?? 5_000);
    } catch (error) {
      this.options.onError?.(error, batch.length);
    }
  }

  private schedule(delayMs: number): void {
    if (this.pending.size > 0) this.timer ??= setTimeout(() => void this.flush(), delayMs).unref();
  }

  private enqueue(updates: readonly ChatNameUpdate[]): void {
    let dropped = 0;
    for (const update of updates) {
      const previous = this.pending.get(update.chatId);
      if (!previous && this.pending.size >= this.maxPending) dropped++;
      else if (supersedes(update, previous)) this.pending.set(update.chatId, update);
    }
    if (dropped > 0) this.options.onOverflow?.(dropped);
  }
}
