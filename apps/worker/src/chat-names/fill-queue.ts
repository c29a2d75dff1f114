/**
 * Runs `fillChatNames` in the background for names that became known, a little later and in
 * groups: later, because messages written a moment ago become searchable only after the index
 * refreshes (1 s by default); in groups, because one search serves many chats. One fill runs at a
 * time, and a failed one is tried again a few times with growing delays.
 */
import type { ChatNameUpdate } from "./chat-name.ts";
import type { FillChatNamesResult } from "./fill-chat-names.ts";

export interface FillQueueOptions {
  readonly fill: (updates: readonly ChatNameUpdate[]) => Promise<FillChatNamesResult>;
  /** Wait after the first scheduled name before filling; must exceed the index refresh interval. */
  readonly delayMs?: number;
  readonly maxAttempts?: number;
  readonly onFilled?: (result: FillChatNamesResult, chats: number) => void;
  readonly onError?: (error: unknown, chats: number, willRetry: boolean) => void;
}

export class FillQueue {
  private pending = new Map<string, { update: ChatNameUpdate; attempt: number }>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  private readonly options: FillQueueOptions;
  private readonly delayMs: number;
  private readonly maxAttempts: number;
  private closed = false;

  constructor(options: FillQueueOptions) {
    this.options = options;
    this.delayMs = options.delayMs ?? 2_000;
    this.maxAttempts = options.maxAttempts ?? 5;
  }

  schedule(updates: readonly ChatNameUpdate[], attempt = 1, delayMs = this.delayMs): void {
    if (this.closed || updates.length === 0) return;
    // The newest name per chat wins; a fresh schedule resets a failed chat's attempt count.
    for (const update of updates) this.pending.set(update.chatId, { update, attempt });
    this.timer ??= setTimeout(() => this.runPending(), delayMs).unref();
  }

  get size(): number {
    return this.pending.size;
  }

  /** Runs whatever is scheduled now and waits for every fill started so far. */
  async drain(): Promise<void> {
    if (this.pending.size > 0) this.runPending();
    await this.running;
  }

  /** Stops scheduling; waits for the fill in progress. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private runPending(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = [...this.pending.values()];
    this.pending = new Map();
    this.running = this.running.then(async () => {
      const updates = batch.map((b) => b.update);
      try {
        const result = await this.options.fill(updates);
        this.options.onFilled?.(result, updates.length);
      } catch (error) {
        const retry = batch.filter((b) => b.attempt < this.maxAttempts && !this.pending.has(b.update.chatId));
        this.options.onError?.(error, updates.length, retry.length > 0);
        const attempt = Math.max(...retry.map((b) => b.attempt), 0) + 1;
        if (retry.length > 0) this.schedule(retry.map((b) => b.update), attempt, this.delayMs * 2 ** (attempt - 1));
      }
    });
  }
}
