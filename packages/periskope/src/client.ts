/**
 * The Periskope REST client: the two chat endpoints the pipeline needs.
 *
 * `getChat` resolves one chat name (worker, one call per uncached chat); `listChats` pages the
 * phone's chats (refresh-cache command). Both run through the client's one resilience policy
 * (`policy.ts`: timeout, retry, shared rate-limit pause, breaker), so a process that shares one
 * client shares its pauses and its breaker: a 429 seen by a refresh slows the lookups too.
 *
 * @example
 * ```ts
 * const periskope = createPeriskopeClient({
 *   baseUrl: "https://api.periskope.app/v1",
 *   apiKey: process.env.PERISKOPE_API_KEY!,
 *   phone: "447700900123",
 *   onAttempt: (e) => apiCalls.inc({ operation: e.operation, outcome: e.outcome }),
 * });
 * const chat = await periskope.getChat("120363400000000001@g.us"); // Chat | null
 * ```
 */
import type { ApiResponse } from "./attempt.ts";
import { chatListSchema, chatSchema, type Chat } from "./chat.ts";
import { CLIENT_ERROR_CODES, PeriskopeApiError } from "./errors.ts";
import { toPhoneHeader } from "./phone.ts";
import { DEFAULT_BREAKER, DEFAULT_RETRY_POLICY, PeriskopePolicy, type BreakerSettings, type CircuitStateName, type RetryPolicy } from "./policy.ts";
import { send, type AttemptListener } from "./send.ts";

/** The API rejects larger pages with 422 (reference §3); `limit=2000` itself is accepted. */
export const MAX_LIST_LIMIT = 2000;

/** Generous because full chat objects make big pages; one integrator used 90 s (reference §3). */
export const DEFAULT_TIMEOUT_MS = 30_000;

export interface PeriskopeClientOptions {
  /** API base including the version, e.g. `https://api.periskope.app/v1`. */
  baseUrl: string;
  apiKey: string;
  /** Default `x-phone` for calls that do not name one. */
  phone?: string | undefined;
  /** Per-attempt timeout, covering the response body. */
  timeoutMs?: number | undefined;
  retry?: Partial<RetryPolicy> | undefined;
  breaker?: Partial<BreakerSettings> | undefined;
  /** Called after every HTTP attempt (metrics). Must not throw; if it does, the error is ignored. */
  onAttempt?: AttemptListener | undefined;
}

export interface GetChatOptions {
  phone?: string | undefined;
  signal?: AbortSignal | undefined;
  /** Called after each HTTP attempt of this call, besides the client's `onAttempt`. */
  onAttempt?: AttemptListener | undefined;
}

export interface ListChatsOptions {
  /** Item index to start at, from 0 (not a page number). */
  offset: number;
  /** Page size, 1..2000. */
  limit: number;
  /** `user`, `group` or `business`. */
  chatType?: string | undefined;
  /** Which connected phone's chats to list; the list is scoped per phone. */
  phone: string;
  signal?: AbortSignal | undefined;
  /** Called after each HTTP attempt of this call, besides the client's `onAttempt`. */
  onAttempt?: AttemptListener | undefined;
}

export interface ChatPage {
  /** 1-based position of the first item, as reported by the API (informational). */
  from: number | null;
  /** 1-based position of the last item, as reported by the API (informational). */
  to: number | null;
  /** As reported; undefined by the docs, so do not page on it. */
  count: number | null;
  chats: Chat[];
  /**
   * Items the API returned that were not usable chats (no string `chat_id`). A page is short,
   * and paging is over, only when `chats.length + skipped < limit`.
   */
  skipped: number;
}

export interface PeriskopeClient {
  /** The chat, or null when the API does not know it (404, or a 2xx without `chat_id`). */
  getChat(chatId: string, options?: GetChatOptions): Promise<Chat | null>;
  listChats(options: ListChatsOptions): Promise<ChatPage>;
  /** Circuit breaker transitions (metrics, logs). */
  onCircuitStateChange(listener: (state: CircuitStateName) => void): { dispose(): void };
}

export function createPeriskopeClient(options: PeriskopeClientOptions): PeriskopeClient {
  const baseUrl = validBaseUrl(options.baseUrl);
  if (options.apiKey.trim() === "") throw invalid("createPeriskopeClient", "apiKey is empty");
  const policy = new PeriskopePolicy({
    ...DEFAULT_RETRY_POLICY,
    ...options.retry,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    breaker: { ...DEFAULT_BREAKER, ...options.breaker },
  });
  const context = (onAttempt: AttemptListener | undefined) => ({ policy, listeners: [options.onAttempt, onAttempt] });

  function headers(phone: string | undefined): Record<string, string> {
    const result: Record<string, string> = { authorization: `Bearer ${options.apiKey}`, accept: "application/json" };
    const chosen = phone ?? options.phone;
    // The spec marks x-phone optional on these endpoints while the docs require it (reference §1);
    // send it whenever we know one.
    if (chosen !== undefined && chosen !== "") result["x-phone"] = toPhoneHeader(chosen);
    return result;
  }

  return {
    async getChat(chatId, opts = {}) {
      const operation = "getChat";
      if (chatId.trim() === "") throw invalid(operation, "chatId is empty");
      // encodeURIComponent sends `@` as `%40`, exactly like the official SDK (reference §2).
      const response = await send(
        { operation, url: `${baseUrl}/chats/${encodeURIComponent(chatId)}`, headers: headers(opts.phone), signal: opts.signal, passStatuses: [404] },
        context(opts.onAttempt),
      );
      if (response.status === 404) return null;
      return parseChat(response, operation);
    },

    async listChats(opts) {
      const operation = "listChats";
      if (!Number.isInteger(opts.offset) || opts.offset < 0) throw invalid(operation, `offset must be an integer >= 0, got ${opts.offset}`);
      if (!Number.isInteger(opts.limit) || opts.limit < 1 || opts.limit > MAX_LIST_LIMIT) {
        throw invalid(operation, `limit must be an integer in 1..${MAX_LIST_LIMIT}, got ${opts.limit}`);
      }
      const query = new URLSearchParams({ offset: String(opts.offset), limit: String(opts.limit) });
      if (opts.chatType !== undefined) query.set("chat_type", opts.chatType);
      const response = await send(
        { operation, url: `${baseUrl}/chats?${query}`, headers: headers(opts.phone), signal: opts.signal, passStatuses: [] },
        context(opts.onAttempt),
      );
      return parseChatPage(response, operation);
    },

    onCircuitStateChange(listener) {
      return policy.onCircuitStateChange(listener);
    },
  };
}

/** Unknown-chat behaviour is undocumented (reference §8.4): no `chat_id` means "not found". */
function parseChat(response: ApiResponse, operation: string): Chat | null {
  const body = response.body;
  if (body === undefined || body === null) return null;
  if (typeof body !== "object" || Array.isArray(body)) throw malformed(response, operation, "body is not an object");
  if ((body as { chat_id?: unknown }).chat_id == null) return null;
  const parsed = chatSchema.safeParse(body);
  if (!parsed.success) throw malformed(response, operation, parsed.error.message);
  return parsed.data;
}

function parseChatPage(response: ApiResponse, operation: string): ChatPage {
  const parsed = chatListSchema.safeParse(response.body);
  if (!parsed.success) throw malformed(response, operation, parsed.error.message);
  const chats: Chat[] = [];
  let skipped = 0;
  for (const item of parsed.data.chats ?? []) {
    const chat = chatSchema.safeParse(item);
    if (chat.success) chats.push(chat.data);
    else skipped++;
  }
  return { from: parsed.data.from, to: parsed.data.to, count: parsed.data.count, chats, skipped };
}

function validBaseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalid("createPeriskopeClient", `baseUrl is not a URL: ${raw}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw invalid("createPeriskopeClient", `baseUrl must be http(s): ${raw}`);
  return url.toString().replace(/\/+$/, "");
}

function invalid(operation: string, message: string): PeriskopeApiError {
  return new PeriskopeApiError({ code: CLIENT_ERROR_CODES.invalidRequest, message: `Periskope ${operation}: ${message}`, retryable: false, operation, attempts: 0 });
}

function malformed(response: ApiResponse, operation: string, detail: string): PeriskopeApiError {
  return new PeriskopeApiError({
    code: CLIENT_ERROR_CODES.malformed,
    message: `Periskope ${operation}: unexpected response shape: ${detail}`,
    status: response.status,
    retryable: false,
    traceId: response.traceId,
    operation,
    body: response.body,
  });
}
