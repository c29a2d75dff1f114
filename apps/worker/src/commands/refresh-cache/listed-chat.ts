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
 * - `new`: a named chat the cache does not hold
 * - `renamed`: the cache holds another name
 * - `same`: the cache already holds this name
 * - `unnamed`: the API has no name for it; counted in `total_chats` only
 */
export type ChatVerdict = "new" | "renamed" | "same" | "unnamed";

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

export function classifyChat(chat: ListedChat, cachedName: string | undefined): ChatVerdict {
  if (chat.chatName === null) return "unnamed";
  if (cachedName === undefined) return "new";
  return cachedName === chat.chatName ? "same" : "renamed";
}
