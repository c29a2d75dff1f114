/**
 * The simulator's mutable state and the operations on it, shared by the in-process handle
 * (`startSimulator`) and the HTTP control API (`/__control`), so both steer the same thing.
 */
import { createChatGenerator, type ChatGenerator } from "./chat-generator.ts";
import { ChatStore } from "./chat-store.ts";
import { FaultPlan } from "./fault-plan.ts";
import { faultsSchema, oneShotFaultSchema, type Faults, type FaultsInput, type OneShotFaultInput } from "./faults.ts";
import { hash32, hex, mulberry32, seedOf } from "./seeded-random.ts";
import type { SimulatedChat } from "./simulated-chat.ts";
import { StatsRecorder, type SimulatorStats } from "./stats.ts";
import { TokenBucket, type TokenBucketState } from "./token-bucket.ts";

export const DEFAULT_SIMULATOR_PHONES = ["447700900123", "919812300456"] as const;
export const DEFAULT_SIMULATOR_CHATS = 500;

export interface SimulatorOptions {
  /** Seed for chats and fault draws (default 42). */
  seed?: number | string | undefined;
  /** Number of generated chats across all phones (default 500). */
  chats?: number | undefined;
  /** Org phones as digits (default two phones). Chats are spread round-robin over them. */
  phones?: readonly string[] | undefined;
  /** The accepted Bearer key; when unset any non-empty key is accepted. */
  apiKey?: string | undefined;
  /** Organisation id on every chat (default derived from the seed). */
  orgId?: string | undefined;
  groupRatio?: number | undefined;
  businessRatio?: number | undefined;
  nullNameRatio?: number | undefined;
  /** Whether `GET /chats/{id}` only finds chats of the `x-phone` phone (default false: org-wide). */
  scopeGetChatToPhone?: boolean | undefined;
  faults?: FaultsInput | undefined;
}

export class SimulatorController {
  readonly phones: readonly string[];
  readonly orgId: string;
  readonly apiKey: string | undefined;
  readonly scopeGetChatToPhone: boolean;
  readonly statsRecorder = new StatsRecorder();
  readonly faultPlan: FaultPlan;
  private readonly initialFaults: Faults;
  private readonly generator: ChatGenerator;
  private chatStore: ChatStore;
  private buckets = new Map<string, TokenBucket>();

  constructor(options: SimulatorOptions = {}) {
    const seed = seedOf(options.seed ?? 42);
    this.phones = [...(options.phones ?? DEFAULT_SIMULATOR_PHONES)];
    this.orgId = options.orgId ?? uuidFrom(seed);
    this.apiKey = options.apiKey;
    this.scopeGetChatToPhone = options.scopeGetChatToPhone ?? false;
    this.generator = createChatGenerator({
      seed,
      count: options.chats ?? DEFAULT_SIMULATOR_CHATS,
      phones: this.phones,
      orgId: this.orgId,
      groupRatio: options.groupRatio,
      businessRatio: options.businessRatio,
      nullNameRatio: options.nullNameRatio,
    });
    this.chatStore = new ChatStore(this.generator);
    this.initialFaults = faultsSchema.parse(options.faults ?? {});
    this.faultPlan = new FaultPlan(this.initialFaults, mulberry32(hash32(seed, 7)), seed);
  }

  get store(): ChatStore {
    return this.chatStore;
  }

  stats(): SimulatorStats {
    return this.statsRecorder.snapshot();
  }

  resetStats(): void {
    this.statsRecorder.reset();
  }

  /**
   * Resolves once no API request is being processed. A client that timed out or aborted leaves
   * its request running here (sleeping in latency, say); tests wait for it so the orphan cannot
   * consume the next test's one-shot faults.
   */
  async idle(timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.statsRecorder.inFlight > 0) {
      if (Date.now() > deadline) throw new Error(`simulator still has ${this.statsRecorder.inFlight} request(s) in flight after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  faults(): Faults {
    return this.faultPlan.current();
  }

  /** Replaces all fault settings (absent fields take their defaults: off). */
  setFaults(faults: FaultsInput): Faults {
    this.faultPlan.set(faultsSchema.parse(faults));
    this.buckets.clear();
    return this.faults();
  }

  /** Queues one-shot faults after those already pending. */
  failNext(...faults: OneShotFaultInput[]): Faults {
    this.faultPlan.enqueue(faults.map((f) => oneShotFaultSchema.parse(f)));
    return this.faults();
  }

  /** Back to the faults the simulator was started with. */
  resetFaults(): void {
    this.faultPlan.set(this.initialFaults);
    this.buckets.clear();
  }

  /** Drops every runtime chat edit; the generated chats are back as at start. */
  resetChats(): void {
    this.chatStore = new ChatStore(this.generator);
  }

  upsertChat(phone: string, chat: Partial<SimulatedChat> & { chat_id: string }): SimulatedChat {
    if (!this.phones.includes(phone)) throw new RangeError(`unknown phone ${phone}; configured: ${this.phones.join(", ")}`);
    return this.chatStore.upsert(phone, chat);
  }

  renameChat(chatId: string, name: string | null): SimulatedChat | undefined {
    return this.chatStore.rename(chatId, name);
  }

  removeChat(chatId: string): boolean {
    return this.chatStore.remove(chatId);
  }

  /** Chat ids in list order (latest activity first), for tests that need real ids. */
  chatIds(options: { phone?: string | undefined; limit?: number | undefined } = {}): string[] {
    const phones = options.phone === undefined ? this.phones : [options.phone];
    const limit = options.limit ?? Number.MAX_SAFE_INTEGER;
    const ids: string[] = [];
    for (const phone of phones) {
      for (const chat of this.chatStore.list(phone, { offset: 0, limit: limit - ids.length })) ids.push(chat.chat_id);
      if (ids.length >= limit) break;
    }
    return ids;
  }

  /** Takes a token for `apiKey` when a bucket is configured; undefined when unlimited. */
  takeToken(apiKey: string, nowMs: number): TokenBucketState | undefined {
    const config = this.faultPlan.tokenBucket;
    if (!config) return undefined;
    let bucket = this.buckets.get(apiKey);
    if (!bucket) {
      bucket = new TokenBucket(config.capacity, config.refillPerSecond, nowMs);
      this.buckets.set(apiKey, bucket);
    }
    return bucket.take(nowMs);
  }
}

function uuidFrom(seed: number): string {
  const random = mulberry32(hash32(seed, 8));
  const h = hex(random, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
