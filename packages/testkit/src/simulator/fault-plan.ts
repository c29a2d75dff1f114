/**
 * Decides, per API request, which fault (if any) it meets.
 *
 * One-shot faults are checked first and consumed in queue order, so a test can say "the next two
 * `GET /chats/{id}` for this chat answer 503" and know exactly which requests fail. Then the
 * random rates, all decided from one seeded draw per request so a run replays.
 */
import { faultsSchema, type FaultAction, type Faults, type OneShotFault } from "./faults.ts";
import { hash32, seedOf, type Random } from "./seeded-random.ts";

export type ApiRoute = "getChat" | "listChats";

export interface ApiRequestInfo {
  route: ApiRoute;
  chatId?: string | undefined;
  phone: string;
}

export class FaultPlan {
  private faults: Faults;
  private readonly random: Random;
  private readonly seed: number;
  private unknownIds: Set<string>;

  constructor(faults: Faults, random: Random, seed: number) {
    this.faults = structuredClone(faults);
    this.random = random;
    this.seed = seed;
    this.unknownIds = new Set(faults.unknownChatIds);
  }

  /** Replaces every fault setting, including the one-shot queue. */
  set(faults: Faults): void {
    this.faults = structuredClone(faults);
    this.unknownIds = new Set(faults.unknownChatIds);
  }

  /** Appends one-shot faults to the queue. */
  enqueue(oneShots: readonly OneShotFault[]): void {
    this.faults.failNext.push(...structuredClone(oneShots));
  }

  /** The settings in force, with the one-shots still pending. */
  current(): Faults {
    return faultsSchema.parse(structuredClone(this.faults));
  }

  get planInactive(): boolean {
    return this.faults.planInactive;
  }

  get tokenBucket(): Faults["tokenBucket"] {
    return this.faults.tokenBucket;
  }

  get unknownChatResponse(): Faults["unknownChatResponse"] {
    return this.faults.unknownChatResponse;
  }

  latencyMs(): number {
    const { latencyMs, latencyJitterMs } = this.faults;
    return latencyMs + (latencyJitterMs > 0 ? this.random() * latencyJitterMs : 0);
  }

  decide(request: ApiRequestInfo): FaultAction | undefined {
    const oneShot = this.takeOneShot(request);
    if (oneShot) return oneShot;
    const f = this.faults;
    if (f.dropRate + f.errorRate + f.rateLimitRate + f.rateLimitResetOnlyRate === 0) return undefined;
    let r = this.random();
    if ((r -= f.dropRate) < 0) return { type: "drop", phase: "before-response" };
    if ((r -= f.errorRate) < 0) return { type: "status", status: f.errorStatus, body: { code: "INTERNAL_SERVER_ERROR", message: "Simulated upstream failure" } };
    if ((r -= f.rateLimitRate) < 0) return { type: "rate-limit", seconds: f.rateLimitSeconds, retryAfter: "seconds", reset: "epoch" };
    if ((r -= f.rateLimitResetOnlyRate) < 0) return { type: "rate-limit", seconds: f.rateLimitSeconds, retryAfter: "none", reset: "epoch" };
    return undefined;
  }

  /** Whether `GET /chats/{id}` should deny knowing this existing chat. Stable per id. */
  hidesChat(chatId: string): boolean {
    if (this.unknownIds.has(chatId)) return true;
    const rate = this.faults.unknownChatRate;
    return rate > 0 && hash32(this.seed, seedOf(chatId)) / 4294967296 < rate;
  }

  private takeOneShot(request: ApiRequestInfo): FaultAction | undefined {
    const queue = this.faults.failNext;
    const at = queue.findIndex((f) => matches(f, request));
    const fault = queue[at];
    if (!fault) return undefined;
    fault.count--;
    if (fault.count <= 0) queue.splice(at, 1);
    return fault.action;
  }
}

function matches(fault: OneShotFault, request: ApiRequestInfo): boolean {
  if (fault.route !== "any" && fault.route !== request.route) return false;
  if (fault.chatId !== undefined && fault.chatId !== request.chatId) return false;
  if (fault.phone !== undefined && fault.phone !== request.phone) return false;
  return true;
}
