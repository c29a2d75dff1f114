/**
 * Everything the pipeline and the commands need from chat names, assembled from the tiers: resolve
 * a batch's chats, learn names from webhooks, remember names others wrote, and finish the job for
 * messages that were indexed without a name (track → fill when known, retry the API periodically).
 */
import { RETRY_WITHOUT_BREAKER, type ElasticsearchClient, type ElasticsearchPolicy } from "@periskope-pipeline/elasticsearch";
import type { Logger } from "@periskope-pipeline/observability";
import { ApiTier } from "./api-tier.ts";
import { CacheIndex, type CacheWriteResult } from "./cache-index.ts";
import { CacheWriteBuffer } from "./cache-write-buffer.ts";
import type { ChatNameResolution, ChatNameUpdate, UnresolvedReason } from "./chat-name.ts";
import { fillChatNames, type FillChatNamesResult } from "./fill-chat-names.ts";
import { FillQueue } from "./fill-queue.ts";
import { MemoryTier } from "./memory-tier.ts";
import { recentCacheNames } from "./recent-cache-names.ts";
import { ChatNameResolver, type LookupResult, type Tier } from "./resolver.ts";
import { UnresolvedChats } from "./unresolved-chats.ts";
import { unresolvedChatsInIndex } from "./unresolved-in-index.ts";
import type { CircuitStateName, PeriskopeClient } from "@periskope-pipeline/periskope";

export interface ChatNameServiceOptions {
  readonly es: ElasticsearchClient;
  readonly messagesIndex: string;
  readonly cacheIndex: string;
  /** The worker's one client (shared with the commands); its breaker turns lookups away during outages. */
  readonly periskope: PeriskopeClient | undefined;
  readonly log: Logger;
  readonly memory: { readonly maxEntries: number; readonly ttlMs: number; readonly negativeTtlMs: number; readonly revalidateMs?: number };
  readonly apiConcurrency: number;
  /** Lookups allowed to wait for an API slot; more are indexed unresolved and looked up later. */
  readonly apiMaxQueued: number;
  /** `PERISKOPE_PHONES`: lookups are scoped to the message's phone when it is one of these. */
  readonly phones?: readonly string[];
  readonly resolveBudgetMs: number;
  readonly retryIntervalMs: number;
  /** How many chats left unresolved in the messages index are read back at startup (0: none). */
  readonly unresolvedSeedMax?: number;
  /** Reads the cache index for a batch: waits through an Elasticsearch outage (the batch is held). */
  readonly withElasticsearchRetry: <T>(call: () => Promise<T>) => Promise<T>;
  /** The worker's Elasticsearch policy, for background writes (cache write-back, fills). */
  readonly elasticsearchPolicy?: Pick<ElasticsearchPolicy, "execute">;
  /** Bounds on what waits for Elasticsearch (CHAT_NAME_CACHE_WRITE_MAX_PENDING, CHAT_NAME_FILL_MAX_PENDING). */
  readonly maxPending?: { readonly cacheWrites?: number; readonly fills?: number };
  /** Delay before filling learned names into messages (must exceed the index refresh interval). */
  readonly fillDelayMs?: number;
  readonly hooks?: {
    readonly onLookup?: (tier: Tier, result: LookupResult, count: number) => void;
    readonly onSingleFlightJoin?: () => void;
    readonly onBreakerState?: (state: CircuitStateName) => void;
    /** API lookups waiting for a slot, after each change. */
    readonly onLookupsQueued?: (queued: number) => void;
    readonly onUnresolvedSize?: (size: number) => void;
    readonly onFilled?: (messages: number) => void;
    /** Names learned without an API call (webhooks; refresh-cache via `remember`). */
    readonly onLearned?: (source: "webhook" | "refresh", count: number) => void;
    /** A bounded queue turned entries away (cache writes dropped; fills deferred to later). */
    readonly onOverflow?: (queue: "cache_write" | "fill", count: number) => void;
  };
}

/** How many revalidation intervals a new process's first sweep reaches back, beyond the usual three. */
const FIRST_SWEEP_INTERVALS = 7;
const NONE: ReadonlySet<string> = new Set();

export class ChatNameService {
  readonly memory: MemoryTier;
  private readonly resolver: ChatNameResolver;
  private readonly unresolved: UnresolvedChats;
  private readonly fills: FillQueue;
  private readonly writeBack: CacheWriteBuffer;
  private readonly cache: CacheIndex;
  private readonly options: ChatNameServiceOptions;
  private retryTimer: NodeJS.Timeout | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;
  /** When the last sweep that went through started (epoch ms). */
  private lastSweepAt: number | undefined;
  private readonly lookups = new AbortController();
  private retrying: Promise<void> | undefined;
  private seeding: Promise<void> | undefined;
  private readonly circuitWatch: { dispose(): void } | undefined;

  constructor(options: ChatNameServiceOptions) {
    this.options = options;
    const { es, log, hooks } = options;
    this.memory = new MemoryTier(options.memory);
    const policy = options.elasticsearchPolicy;
    const cache = new CacheIndex(es, options.cacheIndex, policy);
    this.cache = cache;
    this.writeBack = new CacheWriteBuffer({
      write: (updates) => cache.write(updates),
      ...(options.maxPending?.cacheWrites !== undefined ? { maxPending: options.maxPending.cacheWrites } : {}),
      onOverflow: (count) => {
        hooks?.onOverflow?.("cache_write", count);
        log.warn({ event: "ChatNameCacheWriteDropped", stage: "resolve", code: "queue_full", retryable: true, count }, "cache write-back queue full; names kept in memory, the cache index learns them again later");
      },
      onError: (error, count) =>
        log.warn({ event: "ChatNameCacheWriteFailed", stage: "resolve", code: errorCode(error), retryable: true, count }, "could not write chat names back to the cache index"),
    });
    this.circuitWatch = options.periskope?.onCircuitStateChange((state) => {
      hooks?.onBreakerState?.(state);
      const level = state === "open" ? "warn" : "info";
      log[level]({ event: "PeriskopeCircuitChanged", stage: "resolve", code: state }, `Periskope circuit ${state}`);
    });
    const api = new ApiTier({
      client: options.periskope,
      concurrency: options.apiConcurrency,
      maxQueued: options.apiMaxQueued,
      ...(hooks?.onLookupsQueued ? { onQueued: hooks.onLookupsQueued } : {}),
      ...(options.phones ? { phones: options.phones } : {}),
      onFailure: (error) =>
        log.warn({ event: "ChatNameLookupFailed", stage: "resolve", code: errorCode(error), retryable: true, count: 1 }, "Periskope chat lookup failed"),
    });
    this.unresolved = new UnresolvedChats({ ...(hooks?.onUnresolvedSize ? { onSizeChange: hooks.onUnresolvedSize } : {}) });
    this.fills = new FillQueue({
      fill: async (updates) => fillChatNames(es, options.messagesIndex, await this.currentNames(updates), policy ? { policy } : {}),
      ...(options.fillDelayMs !== undefined ? { delayMs: options.fillDelayMs } : {}),
      ...(options.maxPending?.fills !== undefined ? { maxPending: options.maxPending.fills } : {}),
      onFilled: (result, chats) => {
        hooks?.onFilled?.(result.updated);
        if (result.updated > 0 || result.failed > 0) {
          log.info({ event: "ChatNamesFilled", stage: "fill", count: result.updated, failed: result.failed, chats }, "filled chat names into indexed messages");
        }
      },
      // Filled later: the unresolved chats are looked up (memory first) and filled again periodically.
      onDeferred: (updates, reason, error) => {
        for (const u of updates) this.unresolved.track(u.chatId, "unavailable", u.orgPhone);
        if (reason === "overflow") hooks?.onOverflow?.("fill", updates.length);
        log.warn(
          { event: reason === "overflow" ? "ChatNameFillDeferred" : "ChatNameFillFailed", stage: "fill", code: error === undefined ? reason : errorCode(error), retryable: true, count: updates.length },
          "chat names not filled now; filled again later",
        );
      },
    });
    this.resolver = new ChatNameResolver({
      memory: this.memory,
      cache,
      api,
      writeBack: this.writeBack,
      budgetMs: options.resolveBudgetMs,
      readCache: (lookup) => options.withElasticsearchRetry(lookup),
      onLearned: (updates) => this.nameKnown(updates),
      signal: this.lookups.signal,
      ...(hooks?.onLookup ? { onLookup: hooks.onLookup } : {}),
      ...(hooks?.onSingleFlightJoin ? { onSingleFlightJoin: hooks.onSingleFlightJoin } : {}),
    });
  }

  resolve(chats: ReadonlyMap<string, string | undefined>): Promise<Map<string, ChatNameResolution>> {
    return this.resolver.resolve(chats);
  }

  /**
   * Names from webhooks (`chat.created`, group subject), without an API call. They go to the cache
   * index first, which orders them by change time; memory takes (and fills into messages) only
   * those the index took. A name the index refuses as older (a late or replayed rename, a late
   * `chat.created`) would otherwise regress this replica's memory and then the chat's messages,
   * with nothing newer in the index for a sweep to mend them with: memory forgets that chat and
   * reads the index's name instead. Answers the chats whose write must be tried again (the batch
   * gives their events back rather than ack them).
   */
  async learn(updates: readonly ChatNameUpdate[]): Promise<ReadonlySet<string>> {
    if (updates.length === 0) return new Set();
    let result: CacheWriteResult;
    try {
      result = await this.cache.write(updates);
    } catch (error) {
      this.options.log.warn({ event: "ChatNameCacheWriteFailed", stage: "resolve", code: errorCode(error), retryable: true, count: updates.length }, "could not write learned chat names to the cache index; their events come back");
      return new Set(updates.map((u) => u.chatId));
    }
    for (const u of result.superseded) this.memory.forget(u.chatId);
    this.resolver.learn(result.written);
    this.options.hooks?.onLearned?.("webhook", result.written.length);
    return new Set(result.retry.map((u) => u.chatId));
  }

  /**
   * Names already in the cache index (written by refresh-cache): memory only. Returns those memory
   * took (not older than the name it holds).
   */
  remember(updates: readonly ChatNameUpdate[]): ChatNameUpdate[] {
    const taken = this.resolver.remember(updates);
    for (const u of updates) this.unresolved.forget(u.chatId);
    if (updates.length > 0) this.options.hooks?.onLearned?.("refresh", updates.length);
    return taken;
  }

  /** For the commands module: remember names and fill them into indexed messages now (older ones are not filled). */
  async namesChanged(updates: readonly ChatNameUpdate[]): Promise<FillChatNamesResult> {
    const taken = this.remember(updates);
    const policy = this.options.elasticsearchPolicy;
    const result = await fillChatNames(this.options.es, this.options.messagesIndex, taken, policy ? { policy } : {});
    this.options.hooks?.onFilled?.(result.updated);
    return result;
  }

  /**
   * After messages were indexed without names: fill them at once if the name arrived meanwhile
   * (a lookup that outlived its batch's budget), else keep the chat until it does.
   */
  indexedUnresolved(chats: ReadonlyMap<string, { reason: UnresolvedReason; phone: string | undefined }>): void {
    const known: ChatNameUpdate[] = [];
    for (const [chatId, { reason, phone }] of chats) {
      const name = this.memory.nameOf(chatId);
      if (name !== undefined) known.push({ chatId, chatName: name, source: "api" });
      else this.unresolved.track(chatId, reason, phone);
    }
    this.fills.schedule(known);
  }

  /**
   * The chats whose name the cache index changed since a batch resolved it (`resolvedAt`,
   * `performance.now()`), for a batch that waited at least half a revalidation interval before it
   * was written; memory takes the new names. The sweeps mend shorter waits, but a longer one may
   * write a message after every sweep that still reaches the rename has run, and a replica killed
   * after acking it would leave nothing that comes back for it: the batch gives those messages
   * back instead, and their redelivery writes them under the new name.
   */
  async renamedSince(names: ReadonlyMap<string, ChatNameResolution>, resolvedAt: number): Promise<ReadonlySet<string>> {
    const revalidateMs = this.options.memory.revalidateMs;
    if (revalidateMs === undefined || !Number.isFinite(revalidateMs) || performance.now() - resolvedAt < revalidateMs / 2) return NONE;
    const used = new Map<string, string>();
    for (const [chatId, name] of names) if (name.status === "resolved") used.set(chatId, name.name);
    if (used.size === 0) return NONE;
    const cached = await this.options.withElasticsearchRetry(() => this.cache.lookup([...used.keys()]));
    const renamed = new Set<string>();
    for (const [chatId, name] of used) {
      const hit = cached.get(chatId);
      if (hit?.status === "resolved" && hit.name !== name && this.memory.rememberName(chatId, hit.name, hit.chatType, hit.changedAt)) renamed.add(chatId);
    }
    return renamed;
  }

  /** Starts the periodic retry of chats that failed for lack of an API, beginning with those a previous process left. */
  start(): void {
    if (this.retryTimer) return;
    this.retryTimer = setInterval(() => void this.retryUnresolved(), this.options.retryIntervalMs).unref();
    this.seeding = this.seedUnresolved();
    const revalidateMs = this.options.memory.revalidateMs;
    if (revalidateMs !== undefined && Number.isFinite(revalidateMs)) {
      this.sweepTimer = setInterval(() => void this.sweepRecentNames(revalidateMs), revalidateMs).unref();
    }
  }

  /**
   * Fills the names the cache index took lately into messages still holding another one. Until
   * every replica has compared its memory with the cache index (`revalidateMs`) some may index a
   * renamed chat's messages under its old name, and the fill that would mend them may have died
   * with the worker that queued it (a kill): the cache index is what outlives both, so every
   * worker sweeps it. Each sweep reaches three revalidation intervals behind the start of the last
   * one that went through, so a sweep Elasticsearch kept waiting (an outage) leaves no gap; a new
   * process's first sweep reaches further back, over what a killed predecessor left. A fill that
   * finds nothing stale costs one search per hundred chats.
   */
  private sweepRecentNames(revalidateMs: number): Promise<void> {
    this.sweeping ??= (async () => {
      const startedAt = Date.now();
      const since = (this.lastSweepAt ?? startedAt - FIRST_SWEEP_INTERVALS * revalidateMs) - 3 * revalidateMs;
      try {
        const recent = await recentCacheNames(this.options.es, this.options.cacheIndex, since, { retry: this.options.withElasticsearchRetry });
        this.fills.schedule(recent);
        this.lastSweepAt = startedAt;
      } catch (error) {
        this.options.log.warn({ event: "ChatNameSweepFailed", stage: "fill", code: errorCode(error), retryable: true, count: 0 }, "could not read recent chat names; the next sweep tries again");
      }
    })().finally(() => (this.sweeping = undefined));
    return this.sweeping;
  }

  /** Reads back the chats the messages index still holds unresolved (a restart forgot them) and asks again. */
  private async seedUnresolved(): Promise<void> {
    const max = this.options.unresolvedSeedMax ?? 0;
    if (max === 0) return;
    try {
      const chats = await this.options.withElasticsearchRetry(() => unresolvedChatsInIndex(this.options.es, this.options.messagesIndex, max));
      this.unresolved.seed(chats);
      if (chats.size > 0) this.options.log.info({ event: "UnresolvedChatsSeeded", stage: "resolve", count: chats.size }, "chats left unresolved in the index will be looked up again");
    } catch (error) {
      this.options.log.warn({ event: "UnresolvedChatsSeedFailed", stage: "resolve", code: errorCode(error), retryable: true, count: 0 }, "could not read unresolved chats from the index; backfill-chat-names fills them");
      return;
    }
    await this.retryUnresolved();
  }

  /** Looks up again the chats indexed without names because the API was unavailable. */
  retryUnresolved(): Promise<void> {
    this.retrying ??= (async () => {
      const due = this.unresolved.retryable();
      if (due.size === 0) return;
      try {
        const results = await this.resolve(due);
        const found: ChatNameUpdate[] = [];
        for (const [chatId, r] of results) if (r.status === "resolved") found.push({ chatId, chatName: r.name, source: "api", ...(r.chatType ? { chatType: r.chatType } : {}) });
        this.unresolved.update(results);
        this.fills.schedule(found);
      } catch (error) {
        this.options.log.warn({ event: "ChatNameRetryFailed", stage: "resolve", code: errorCode(error), retryable: true, count: due.size }, "retrying unresolved chats failed");
      }
    })().finally(() => (this.retrying = undefined));
    return this.retrying;
  }

  /** Waits for scheduled fills (tests; shutdown). */
  async drain(): Promise<void> {
    await this.resolver.settled();
    await this.fills.drain();
  }

  get unresolvedCount(): number {
    return this.unresolved.size;
  }

  async close(): Promise<void> {
    clearInterval(this.retryTimer);
    this.retryTimer = undefined;
    clearInterval(this.sweepTimer);
    this.sweepTimer = undefined;
    this.circuitWatch?.dispose();
    // Lookups still running would only fill names later; shutdown does not wait for their retries.
    this.lookups.abort();
    await this.seeding;
    await this.retrying;
    await this.sweeping;
    await this.resolver.settled();
    await this.fills.close();
  }

  /**
   * What a queued fill writes: the name the cache index holds now, unless the queued one changed
   * later (its write-back still on the way). A fill waits (its delay, an Elasticsearch outage) and
   * another replica may have learned a newer name meanwhile; written as queued, it would take
   * that replica's messages back to the older name after its own fill and sweeps had run.
   */
  private async currentNames(updates: readonly ChatNameUpdate[]): Promise<ChatNameUpdate[]> {
    const current: ChatNameUpdate[] = [];
    for (let start = 0; start < updates.length; start += 1_000) {
      const group = updates.slice(start, start + 1_000);
      const cached = await (this.options.elasticsearchPolicy ?? RETRY_WITHOUT_BREAKER).execute(() => this.cache.lookup(group.map((u) => u.chatId)));
      for (const update of group) {
        const hit = cached.get(update.chatId);
        const newer = hit?.status === "resolved" && (update.changedAt === undefined || hit.changedAt === undefined || hit.changedAt >= update.changedAt);
        current.push(newer ? { ...update, chatName: hit.name, ...(hit.chatType ? { chatType: hit.chatType } : {}) } : update);
      }
    }
    return current;
  }

  private nameKnown(updates: readonly ChatNameUpdate[]): void {
    for (const u of updates) this.unresolved.forget(u.chatId);
    this.fills.schedule(updates);
  }
}

function errorCode(error: unknown): string {
  const e = error as { code?: unknown; name?: unknown } | null;
  if (typeof e?.code === "string") return e.code;
  return typeof e?.name === "string" ? e.name : "unknown_error";
}
