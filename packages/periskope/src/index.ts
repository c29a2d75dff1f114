/**
 * @periskope-pipeline/periskope — the Periskope REST client (chat lookups and chat listing) with
 * typed, classified errors and one resilience policy (timeout, retry honouring the API's rate-limit
 * hints, a pause shared by every call, circuit breaker).
 */
export {
  createPeriskopeClient,
  DEFAULT_TIMEOUT_MS,
  MAX_LIST_LIMIT,
  type ChatPage,
  type GetChatOptions,
  type ListChatsOptions,
  type PeriskopeClient,
  type PeriskopeClientOptions,
} from "./client.ts";
export type { Chat } from "./chat.ts";
export { CLIENT_ERROR_CODES, PeriskopeApiError, type PeriskopeApiErrorInit } from "./errors.ts";
export { type BreakerSettings, type CircuitStateName, type RetryPolicy } from "./policy.ts";
export { toPhoneHeader } from "./phone.ts";
export type { AttemptEvent, AttemptListener } from "./send.ts";
