/** The indexed messages of some chats, as the chat-name tests read them. */
import type { TestStack } from "./test-stack.ts";
import { allDocuments } from "./wait.ts";

export interface MessageDoc {
  chat_id: string;
  chat_name: string | null;
  chat_name_status: string;
}

export async function messagesOfChats(stack: TestStack, chats: readonly string[]): Promise<MessageDoc[]> {
  return [...(await allDocuments<MessageDoc>(stack.es, stack.indices.messages)).values()].filter((d) => chats.includes(d.chat_id));
}
