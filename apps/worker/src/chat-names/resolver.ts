/**
 * Resolves chat names for a batch's distinct chat ids, each tier only for the misses of the one
 * above (design §3.4): memory → cache index (`mget`) → Periskope API.
 *
 * API lookups are single-flight per chat: concurrent batches missing the same chat share one call,
 * and the call's effects (remember, write back, announce) happen once. A batch waits for the API at
 * most `budgetMs`; chats still being looked up then come back `pending`, the batch is indexed
 * without their names, and the lookup's answer fills them in when it arrives (via `onLearned`).
 *
 * @example
 * const names = await resolver.resolve(new Map([["1203…@g.us", "447700900123@c.us"]]));
 */
import type { Chat } from "@periskope-pipeline/periskope";
import { parsePeriskopeTime } from "@periskope-pipeline/contracts";
import type { ApiTier } from "./api-tier.ts";
import type { CacheIndex } from "./cache-index.ts";
import type { CacheWriteBuffer } from "./cache-write-buffer.ts";
import { PENDING, resolved, UNAVAILABLE, UNKNOWN, type ChatNameResolution, type ChatNameUpdate } from "./chat-name.ts";
import type { MemoryTier } from "./memory-tier.ts";
import { SingleFlight } from "./single-flight.ts";

export type Tier = "memory" | "cache" | "api";
/** `dropped`: an API lookup never sent (its queue was full, or its batch's budget passed first). */
export type LookupResult = "hit" | "miss" | "negative" | "error" | "dropped" | "revalidated" | "changed";

export interface ResolverOptions {
  readonly memory: MemoryTier;
  readonly cache: CacheIndex;
  readonly api: ApiTier;
  readonly writeBack: CacheWriteBuffer;
  /** How long one `resolve` waits for API lookups. */
  readonly budgetMs: number;
  /** Reads the cache index, retrying transient failures (throws when Elasticsearch stays down). */
  readonly readCache: (lookup: () => Promise<Map<string, ChatNameResolution>>) => Promise<Map<string, ChatNameResolution>>;
  /** Names that became known: fill them into messages already indexed. */
  readonly onLearned: (updates: readonly ChatNameUpdate[]) => void;
  readonly onLookup?: (tier: Tier, result: LookupResult, count: number) => void;
  readonly onSingleFlightJoin?: () => void;
  /** Aborts lookups in flight (shutdown). */
  readonly signal?: AbortSignal;
}

export class ChatNameResolver {
  private readonly options: ResolverOptions;
  private readonly flights: SingleFlight<string, ChatNameResolution>;

  constructor(options: ResolverOptions) {
    this.options = options;
    this.flights = new SingleFlight(options.onSingleFlightJoin);
  }

  /** `chats`: chat id → the org phone that saw it (the API's `x-phone` scope), if known. */
  async resolve(chats: ReadonlyMap<string, string | undefined>): Promise<Map<string, ChatNameResolution>> {
    const { memory, cache, onLookup } = this.options;
    const result = new Map<string, ChatNameResolution>();
    const memoryMisses: string[] = [];
    /** Served from memory, and also compared with the cache index in the same `mget`. */
    const due: string[] = [];
    let negatives = 0;
    for (const chatId of chats.keys()) {
      const known = memory.get(chatId);
      if (known === undefined) memoryMisses.push(chatId);
      else {
        result.set(chatId, known);
        if (known.status === "unresolved") negatives++;
        else if (memory.isDue(chatId)) due.push(chatId);
      }
    }
    onLookup?.("memory", "hit", chats.size - memoryMisses.length - negatives);
    onLookup?.("memory", "negative", negatives);
    onLookup?.("memory", "miss", memoryMisses.length);
    if (memoryMisses.length === 0 && due.length === 0) return result;

    const cached = await this.options.readCache(() => cache.lookup(due.length === 0 ? memoryMisses : [...memoryMisses, ...due]));
    this.revalidate(due, cached, result);
    if (memoryMisses.length === 0) return result;
    const apiMisses: string[] = [];
    const firstSeen: ChatNameUpdate[] = [];
    for (const chatId of memoryMisses) {
      const hit = cached.get(chatId);
      if (hit?.status !== "resolved") {
        apiMisses.push(chatId);
        continue;
      }
      const name = this.rememberResolved(chatId, hit);
      result.set(chatId, name);
      if (name.status === "resolved") firstSeen.push({ chatId, chatName: name.name, ...(name.chatType ? { chatType: name.chatType } : {}), source: "cache" });
    }
    // A chat new to this process's memory is filled once from the cache index's name: a fill that
    // a worker queued and did not live to run (a kill, a crash) leaves messages with an older name,
    // and nothing else would come back for them. One search per chat and start; usually no hits.
    if (firstSeen.length > 0) this.options.onLearned(firstSeen);
    onLookup?.("cache", "hit", memoryMisses.length - apiMisses.length);
    onLookup?.("cache", "miss", apiMisses.length);
    if (apiMisses.length === 0) return result;

    const deadline = Date.now() + this.options.budgetMs;
    const answers = await this.awaitWithinBudget(apiMisses.map((chatId) => this.lookUpOnce(chatId, chats.get(chatId), deadline)));
    apiMisses.forEach((chatId, i) => result.set(chatId, answers[i] ?? PENDING));
    return result;
  }

  /**
   * Remembered names the cache index now spells differently (a refresh renamed the chat, or another
   * replica learned it): this batch gets the new name, memory takes it, and the chat's messages
   * indexed meanwhile with the old one are filled. The cache index already holds it: no write-back.
   */
  private revalidate(due: readonly string[], cached: ReadonlyMap<string, ChatNameResolution>, result: Map<string, ChatNameResolution>): void {
    const changed: ChatNameUpdate[] = [];
    for (const chatId of due) {
      const hit = cached.get(chatId);
      // A name the cache index holds from before the remembered one (whose write-back is still on
      // its way) is refused too: memory keeps the newer name.
      if (hit?.status !== "resolved" || hit.name === this.options.memory.nameOf(chatId) || !this.options.memory.rememberName(chatId, hit.name, hit.chatType, hit.changedAt)) {
        this.options.memory.markChecked(chatId);
        continue;
      }
      result.set(chatId, resolved(hit.name, hit.chatType));
      changed.push({ chatId, chatName: hit.name, ...(hit.chatType ? { chatType: hit.chatType } : {}), source: "cache" });
    }
    if (due.length > 0) this.options.onLookup?.("cache", "revalidated", due.length);
    if (changed.length > 0) {
      this.options.onLookup?.("cache", "changed", changed.length);
      this.options.onLearned(changed);
    }
  }

  /**
   * Names learned from webhooks: remembered and filled into messages — except those older than the
   * name remembered (a replayed rename), which would regress both. The batch that carried them
   * writes them to the cache index before acking them (stages/learn-chat-names.ts).
   */
  learn(updates: readonly ChatNameUpdate[]): void {
    const newer = this.remember(updates);
    if (newer.length > 0) this.options.onLearned(newer);
  }

  /** Names someone else already wrote to the cache index (refresh-cache): memory only. Returns those taken. */
  remember(updates: readonly ChatNameUpdate[]): ChatNameUpdate[] {
    return updates.filter((u) => this.options.memory.rememberName(u.chatId, u.chatName, u.chatType, u.changedAt));
  }

  /** A name read from the cache index, unless memory holds a newer one: what the batch uses. */
  private rememberResolved(chatId: string, hit: ChatNameResolution & { status: "resolved" }): ChatNameResolution {
    if (this.options.memory.rememberName(chatId, hit.name, hit.chatType, hit.changedAt)) return resolved(hit.name, hit.chatType);
    return this.options.memory.get(chatId) ?? resolved(hit.name, hit.chatType);
  }

  /** Lookups still running (shutdown waits for their write-backs). */
  async settled(): Promise<void> {
    await this.flights.settled();
    await this.options.writeBack.flush();
  }

  private lookUpOnce(chatId: string, phone: string | undefined, deadline: number): Promise<ChatNameResolution> {
    return this.flights.run(chatId, async () => {
      // A flight for this chat may have finished while this batch was reading the cache index:
      // its answer is in memory (set before a flight ends), and asking again would be a second call.
      const known = this.options.memory.get(chatId);
      if (known !== undefined) return known;
      const answer = await this.options.api.lookup(chatId, { phone, signal: this.options.signal, deadline });
      if (answer.kind === "found") {
        const update = updateFromChat(chatId, answer.chat);
        this.options.onLookup?.("api", "hit", 1);
        // A rename that arrived by webhook while the call was out is newer than its answer.
        if (!this.options.memory.rememberName(chatId, update.chatName, update.chatType, update.changedAt)) return this.options.memory.get(chatId) ?? UNAVAILABLE;
        this.options.writeBack.add([update]);
        this.options.onLearned([update]);
        return resolved(update.chatName, update.chatType);
      }
      if (answer.kind === "unknown") {
        this.options.memory.rememberUnknown(chatId);
        this.options.onLookup?.("api", "negative", 1);
        return UNKNOWN;
      }
      this.options.onLookup?.("api", answer.kind === "dropped" ? "dropped" : "error", 1);
      return UNAVAILABLE;
    });
  }

  /** Answers in order; `undefined` for lookups still running when the budget ran out. */
  private async awaitWithinBudget(lookups: Promise<ChatNameResolution>[]): Promise<(ChatNameResolution | undefined)[]> {
    const answers: (ChatNameResolution | undefined)[] = new Array(lookups.length);
    const all = Promise.all(lookups.map((p, i) => p.then((a) => (answers[i] = a))));
    let timer: NodeJS.Timeout | undefined;
    const budget = new Promise<void>((r) => (timer = setTimeout(r, this.options.budgetMs)));
    await Promise.race([all, budget]);
    clearTimeout(timer);
    return answers;
  }
}

/** Keyed by the id we asked for, whatever spelling the API answers with. */
function updateFromChat(chatId: string, chat: Chat & { chat_name: string }): ChatNameUpdate {
  const changedAt = parsePeriskopeTime(chat.updated_at) ?? parsePeriskopeTime(chat.created_at) ?? undefined;
  return {
    chatId,
    chatName: chat.chat_name,
    ...(chat.chat_type ? { chatType: chat.chat_type } : {}),
    ...(chat.org_phone ? { orgPhone: chat.org_phone } : {}),
    source: "api",
    ...(changedAt !== undefined ? { changedAt } : {}),
  };
}
