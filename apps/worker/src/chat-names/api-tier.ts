/**
 * The last tier: Periskope `GET /chats/{id}`, at most `concurrency` at a time (p-limit). The client
 * below carries the resilience policy (packages/periskope: timeout, retries honouring `Retry-After`,
 * a rate-limit pause shared with the commands, and the breaker that fails fast during outages);
 * this tier bounds concurrency and the queue in front of it.
 *
 * The queue is bounded twice, so a slow but healthy API never turns into memory growth: at most
 * `maxQueued` lookups wait for a slot (more are dropped at once), and a lookup that waited past its
 * batch's budget is dropped when its turn comes (the batch went on without it). A dropped chat is
 * "unresolved, filled later": its messages are indexed without a name and it is looked up again.
 */
import { CLIENT_ERROR_CODES, PeriskopeApiError, toPhoneHeader, type Chat, type PeriskopeClient } from "@periskope-pipeline/periskope";
import pLimit from "p-limit";

export type ApiLookup =
  | { readonly kind: "found"; readonly chat: Chat & { readonly chat_name: string } }
  /** The API does not know the chat, or knows it without a name. */
  | { readonly kind: "unknown" }
  /** The call failed after its retries, the circuit is open, or no API is configured. */
  | { readonly kind: "unavailable"; readonly code: string }
  /** Never sent: the queue was full, or the lookup waited past its batch's budget. */
  | { readonly kind: "dropped"; readonly code: "QUEUE_FULL" | "EXPIRED" };

export interface ApiTierOptions {
  /** Absent when no `PERISKOPE_API_KEY` is configured: names then come only from caches and webhooks. */
  readonly client: PeriskopeClient | undefined;
  readonly concurrency: number;
  /** Lookups allowed to wait for a slot (`PERISKOPE_LOOKUP_QUEUE_MAX`). */
  readonly maxQueued: number;
  /**
   * The configured phones (`PERISKOPE_PHONES`). A lookup is scoped to the phone that saw the chat
   * when it is one of these (the list endpoint is per phone, reference §1); otherwise the client's
   * default phone is used, since the API key may not cover other phones of the org.
   */
  readonly phones?: readonly string[];
  readonly onFailure?: (error: unknown, chatId: string) => void;
  /** Lookups waiting for a slot, after each change. */
  readonly onQueued?: (queued: number) => void;
}

export interface LookupOptions {
  readonly phone?: string | undefined;
  readonly signal?: AbortSignal | undefined;
  /** When the asking batch stops waiting (epoch ms): a lookup still queued then is dropped. */
  readonly deadline?: number | undefined;
}

export class ApiTier {
  private readonly options: ApiTierOptions;
  private readonly limit: ReturnType<typeof pLimit>;
  private readonly phones: ReadonlySet<string>;

  constructor(options: ApiTierOptions) {
    this.options = options;
    this.limit = pLimit(options.concurrency);
    this.phones = new Set((options.phones ?? []).map(toPhoneHeader));
  }

  lookup(chatId: string, { phone, signal, deadline }: LookupOptions = {}): Promise<ApiLookup> {
    const client = this.options.client;
    if (!client) return Promise.resolve({ kind: "unavailable", code: "NO_API" });
    if (this.limit.pendingCount >= this.options.maxQueued) return Promise.resolve({ kind: "dropped", code: "QUEUE_FULL" });
    const lookup = this.limit(async (): Promise<ApiLookup> => {
      this.options.onQueued?.(this.limit.pendingCount);
      if (deadline !== undefined && Date.now() >= deadline) return { kind: "dropped", code: "EXPIRED" };
      try {
        const scoped = phone !== undefined && this.phones.has(toPhoneHeader(phone)) ? phone : undefined;
        const chat = await client.getChat(chatId, { phone: scoped, signal });
        if (!chat || typeof chat.chat_name !== "string" || chat.chat_name.trim() === "") return { kind: "unknown" };
        return { kind: "found", chat: chat as Chat & { chat_name: string } };
      } catch (error) {
        const code = error instanceof PeriskopeApiError ? error.code : "UNEXPECTED";
        // An open circuit is logged once, when it opens; not once per lookup it turns away.
        if (code !== CLIENT_ERROR_CODES.circuitOpen) this.options.onFailure?.(error, chatId);
        return { kind: "unavailable", code };
      }
    });
    this.options.onQueued?.(this.limit.pendingCount);
    return lookup;
  }

  /** Lookups waiting for a slot. */
  get queued(): number {
    return this.limit.pendingCount;
  }
}
