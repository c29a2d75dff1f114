/**
 * Resolve: one lookup per distinct `chat_id` among the batch's message events, with the org phone
 * that saw the chat (the API's `x-phone` scope, reference §1).
 */
import { isMessageEvent } from "@periskope-pipeline/contracts";
import type { ChatNameResolution } from "../chat-names/index.ts";
import type { DecodedEvent } from "./decoded-event.ts";

export interface NameResolver {
  resolve(chats: ReadonlyMap<string, string | undefined>): Promise<Map<string, ChatNameResolution>>;
}

export async function resolveChatNames(events: readonly DecodedEvent[], resolver: NameResolver): Promise<Map<string, ChatNameResolution>> {
  const chats = new Map<string, string | undefined>();
  for (const { envelope } of events) {
    if (!isMessageEvent(envelope.eventType)) continue;
    const chatId = envelope.data.chat_id;
    if (typeof chatId !== "string" || chatId === "") continue;
    const phone = envelope.data.org_phone;
    if (!chats.has(chatId) || chats.get(chatId) === undefined) chats.set(chatId, typeof phone === "string" && phone !== "" ? phone : undefined);
  }
  if (chats.size === 0) return new Map();
  return resolver.resolve(chats);
}
