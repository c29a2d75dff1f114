/**
 * A chat as `refresh-cache` sees it in a `GET /chats` page, and what it means for the cache.
 */
import { parsePeriskopeTime } from "@periskope-pipeline/contracts";
import type { Chat } from "@periskope-pipeline/periskope";

export interface ListedChat {
  chatId: string;
  /** Null when the API knows no name (an unsaved contact): nothing to cache. */
  chatName: string | null;
  chatType: string | undefined;
  orgPhone: string | undefined;
  /** The chat's `updated_at` in epoch ms: the cache write's version, so a newer rename always wins. */
  updatedAtMs: number | undefined;
}

/**
 * - `new`: a named chat the cache holds no name for
 * - `renamed`: the cache holds another name
 * - `same`: the cache already holds this name
 * - `unnamed-new`: the API has no name for it and the cache holds no record of it
 * - `unnamed-held`: the API has no name for it and the cache holds a record (with a name or not)
 */
export type ChatVerdict = "new" | "renamed" | "same" | "unnamed-new" | "unnamed-held";

export function toListedChat(chat: Chat): ListedChat {
  const name = typeof chat.chat_name === "string" && chat.chat_name.trim() !== "" ? chat.chat_name : null;
  return {
    chatId: chat.chat_id,
    chatName: name,
    chatType: chat.chat_type ?? undefined,
    orgPhone: chat.org_phone ?? undefined,
    updatedAtMs: parsePeriskopeTime(chat.updated_at) ?? undefined,
  };
}

/** `cached`: the cache's records of the page's chats, by chat_id, with their name or null. */
export function classifyChat(chat: ListedChat, cached: ReadonlyMap<string, string | null>): ChatVerdict {
  const held = cached.has(chat.chatId);
  const cachedName = cached.get(chat.chatId) ?? null;
  if (chat.chatName === null) return held ? "unnamed-held" : "unnamed-new";
  if (cachedName === null) return "new";
  return cachedName === chat.chatName ? "same" : "renamed";
}
