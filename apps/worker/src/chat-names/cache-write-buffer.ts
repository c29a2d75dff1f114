/**
 * Collects names to write back to the cache index and writes them in bulk: every `maxDelayMs`, or
 * at once when `maxBatch` are waiting. One write runs at a time. A failed write is reported and
 * dropped: the cache is an optimisation, and a name lost here is asked for again on a later miss.
 */
import type { ChatNameUpdate } from "./chat-name.ts";
import type { CacheWriteResult } from "./cache-index.ts";

export interface CacheWriteBufferOptions {
  readonly write: (updates: readonly ChatNameUpdate[]) => Promise<CacheWriteResult>;
  readonly maxBatch?: number;
  readonly maxDelayMs?: number;
  readonly onError?: (error: unknown, count: number) => void;
}

export class CacheWriteBuffer {
  private pending: ChatNameUpdate[] = [];
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private readonly options: CacheWriteBufferOptions;
  private readonly maxBatch: number;
  private readonly maxDelayMs: number;

  constructor(options: CacheWriteBufferOptions) {
    this.options = options;
    this.maxBatch = options.maxBatch ?? 500;
    this.maxDelayMs = options.maxDelayMs ?? 100;
  }

  add(updates: readonly ChatNameUpdate[]): void {
    if (updates.length === 0) return;
    this.pending.push(...updates);
    if (this.pending.length >= this.maxBatch) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.maxDelayMs).unref();
  }

  /** Writes what is waiting; resolves when every write started so far has finished. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = [];
    if (batch.length > 0) {
      this.writing = this.writing.then(async () => {
        try {
          await this.options.write(batch);
        } catch (error) {
          this.options.onError?.(error, batch.length);
        }
      });
    }
    return this.writing;
  }
}
