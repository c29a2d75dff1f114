/**
 * Chat-name resolution for the pipeline, and what the commands module needs: the update type,
 * `fillChatNames`, and the service whose in-memory tier can be told about names from outside.
 */
export { ChatNameService, type ChatNameServiceOptions } from "./chat-name-service.ts";
export type { ChatNameResolution, ChatNameSource, ChatNameUpdate, UnresolvedReason } from "./chat-name.ts";
export { CacheIndex, type CacheWriteResult } from "./cache-index.ts";
export { fillChatNames, type FillChatNamesOptions, type FillChatNamesResult, type KnownChatName } from "./fill-chat-names.ts";
export { chatNameUpdateFromEvent } from "./updates-from-events.ts";
