/**
 * The seed's way of filling the chat-name cache, the benchmark's baseline: for each chat, one
 * `GET /chats/{chat_id}` and one single-document index request, one after the other.
 */
import type { ElasticsearchClient } from "@periskope-pipeline/elasticsearch";
import type { PeriskopeClient } from "@periskope-pipeline/periskope";

export interface BaselineResult {
  chats: number;
  wallMs: number;
  apiCalls: number;
  indexRequests: number;
}

export async function fillCacheOneByOne(
  es: ElasticsearchClient,
  index: string,
  periskope: PeriskopeClient,
  chatIds: readonly string[],
  counters: { apiCalls: number },
): Promise<BaselineResult> {
  const started = performance.now();
  const apiCallsBefore = counters.apiCalls;
  let indexRequests = 0;
  for (const chatId of chatIds) {
    const chat = await periskope.getChat(chatId);
    if (!chat?.chat_name) continue;
    const now = new Date().toISOString();
    await es.index({ index, id: chatId, document: { chat_id: chatId, chat_name: chat.chat_name, chat_type: chat.chat_type ?? undefined, source: "api", "@timestamp": now, updated_at: now } });
    indexRequests++;
  }
  return { chats: chatIds.length, wallMs: performance.now() - started, apiCalls: counters.apiCalls - apiCallsBefore, indexRequests };
}
