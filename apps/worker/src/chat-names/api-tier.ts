/**
 * The last tier: Periskope `GET /chats/{id}`, at most `concurrency` at a time (p-limit), behind a
 * circuit breaker. The client below retries network errors, 5xx and 429 with backoff and jitter,
 * honouring `Retry-After` / `X-RateLimit-Reset` (packages/periskope); this tier adds the bound on
 * concurrency and the fail-fast during outages.
 */
import { PeriskopeApiError, toPhoneHeader, type Chat, type PeriskopeClient } from "@periskope-pipeline/periskope";
import pLimit from "p-limit";
import type { CircuitBreaker } from "./circuit-breaker.ts";

export type ApiLookup =
  | { readonly kind: "found"; readonly chat: Chat & { readonly chat_name: string } }
  /** The API does not know the chat, or knows it without a name. */
  | { readonly kind: "unknown" }
  /** The call failed after its retries, the circuit is open, or no API is configured. */
  | { readonly kind: "unavailable"; readonly code: string };

export interface ApiTierOptions {
  /** Absent when no `PERISKOPE_API_KEY` is configured: names then come only from caches and webhooks. */
  readonly client: PeriskopeClient | undefined;
  readonly concurrency: number;
  readonly breaker: CircuitBreaker;
  /**
   * The configured phones (`PERISKOPE_PHONES`). A lookup is scoped to the phone that saw the chat
   * when it is one of these (the list endpoint is per phone, reference §1); otherwise the client's
   * default phone is used, since the API key may not cover other phones of the org.
   */
  readonly phones?: readonly string[];
  readonly onFailure?: (error: unknown, chatId: string) => void;
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

  get enabled(): boolean {
    return this.options.client !== undefined;
  }

  lookup(chatId: string, phone?: string, signal?: AbortSignal): Promise<ApiLookup> {
    const client = this.options.client;
    if (!client) return Promise.resolve({ kind: "unavailable", code: "NO_API" });
    return this.limit(async (): Promise<ApiLookup> => {
      const breaker = this.options.breaker;
      // Checked when the call would start, so lookups queued behind a failing one fail fast.
      if (!breaker.tryAcquire()) return { kind: "unavailable", code: "CIRCUIT_OPEN" };
      try {
        const scoped = phone !== undefined && this.phones.has(toPhoneHeader(phone)) ? phone : undefined;
        const chat = await client.getChat(chatId, { phone: scoped, signal });
        breaker.succeeded();
        if (!chat || typeof chat.chat_name !== "string" || chat.chat_name.trim() === "") return { kind: "unknown" };
        return { kind: "found", chat: chat as Chat & { chat_name: string } };
      } catch (error) {
        if (error instanceof PeriskopeApiError && error.code === "ABORTED") breaker.released();
        else breaker.failed();
        this.options.onFailure?.(error, chatId);
        return { kind: "unavailable", code: error instanceof PeriskopeApiError ? error.code : "UNEXPECTED" };
      }
    });
  }

  /** Lookups waiting for a slot. */
  get queued(): number {
    return this.limit.pendingCount;
  }
}
