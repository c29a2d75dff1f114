/**
 * Runs `fillChatNames` in the background for names that became known, a little later and in
 * groups: later, because messages written a moment ago become searchable only after the index
 * refreshes (1 s by default); in groups, because one search serves many chats. One fill runs at a
 * time; the fill itself retries Elasticsearch through the worker's policy.
 *
 * Bounded while Elasticsearch is slow or away: at most `maxPending` chats wait. A new chat past the
 * bound, and the chats of a fill that failed or left messages unfilled, are handed to `onDeferred`
 * (the worker tracks them as unresolved chats, which are looked up and filled again later): the
 * messages keep `chat_name_status: "unresolved"` or their older name meanwhile, nothing is lost.
 */
import type { ChatNameUpdate } from "./chat-name.ts";
import type { FillChatNamesResult } from "./fill-chat-names.ts";

export interface FillQueueOptions {
  readonly fill: (updates: readonly ChatNameUpdate[]) => Promise<FillChatNamesResult>;
  /** Wait after the first scheduled name before filling; must exceed the index refresh interval. */
  readonly delayMs?: number;
  /** Chats that may wait for a fill (CHAT_NAME_FILL_MAX_PENDING). */
  readonly maxPending?: number;
  readonly onFilled?: (result: FillChatNamesResult, chats: number) => void;
  /** Chats to fill later: turned away by the bound (`overflow`) or not (fully) filled (`failed`). */
  readonly onDeferred?: (updates: readonly ChatNameUpdate[], reason: "overflow" | "failed", error?: unknown) => void;
}

export class FillQueue {
  private pending = new Map<string, ChatNameUpdate>();
  private timer: NodeJS.Timeout | undefined;
  /** The fill in flight; chats scheduled meanwhile wait in `pending`, so the bound covers them. */
  private running: Promise<void> | undefined;
  private readonly options: FillQueueOptions;
  private readonly delayMs: number;
  private readonly maxPending: number;
  private closed = false;

  constructor(options: FillQueueOptions) {
    this.options = options;
    this.delayMs = options.delayMs ?? 2_000;
    this.maxPending = options.maxPending ?? 10_000;
  }

  schedule(updates: readonly ChatNameUpdate[]): void {
    if (this.closed || updates.length === 0) return;
    const overflow: ChatNameUpdate[] = [];
    // The newest name per chat wins.
    for (const update of updates) {
      if (!this.pending.has(update.chatId) && this.pending.size >= this.maxPending) overflow.push(update);
      else this.pending.set(update.chatId, update);
    }
    if (overflow.length > 0) this.options.onDeferred?.(overflow, "overflow");
    if (this.pending.size > 0) this.timer ??= setTimeout(() => this.runPending(), this.delayMs).unref();
  }

  get size(): number {
    return this.pending.size;
  }

  /** Runs whatever is scheduled now (after the fill in flight) and waits for it. */
  async drain(): Promise<void> {
    while (this.running) await this.running;
    this.runPending();
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
    if (this.running || this.pending.size === 0) return;
    const updates = [...this.pending.values()];
    this.pending = new Map();
    this.running = (async () => {
      try {
        const result = await this.options.fill(updates);
        this.options.onFilled?.(result, updates.length);
        if (result.failed > 0) this.options.onDeferred?.(updates, "failed");
      } catch (error) {
        this.options.onDeferred?.(updates, "failed", error);
      }
    })().finally(() => {
      this.running = undefined;
      if (!this.closed && this.pending.size > 0) this.timer ??= setTimeout(() => this.runPending(), this.delayMs).unref();
    });
  }
}
