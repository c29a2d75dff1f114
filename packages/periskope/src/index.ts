/**
 * @periskope-pipeline/periskope — the Periskope REST client (chat lookups and chat listing) with
 * typed, classified errors and retries that honour the API's rate-limit hints.
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
export { CLIENT_ERROR_CODES, isRetryableStatus, PeriskopeApiError, type PeriskopeApiErrorInit } from "./errors.ts";
export { DEFAULT_RETRY_POLICY, type RetryPolicy } from "./retry-policy.ts";
export { serverAdvisedDelayMs } from "./retry-after.ts";
export { toPhoneHeader } from "./phone.ts";
export type { AttemptEvent, AttemptListener } from "./send.ts";
