/**
 * Which of a page's chats have any message indexed: one search with a terms aggregation instead of
 * a fill query per hundred chats. A refresh mostly meets chats whose messages are already right or
 * that have none yet; only chats with messages can need a fill.
 */
import type { ElasticsearchClient } from "@periskope-pipeline/elasticsearch";

export async function chatsWithMessages(es: ElasticsearchClient, messagesIndex: string, chatIds: readonly string[]): Promise<Set<string>> {
  if (chatIds.length === 0) return new Set();
  const response = await es.search({
    index: messagesIndex,
    size: 0,
    track_total_hits: false,
    query: { terms: { chat_id: [...chatIds] } },
    aggs: { chats: { terms: { field: "chat_id", size: chatIds.length } } },
  });
  const buckets = (response.aggregations?.chats as { buckets?: Array<{ key: string }> } | undefined)?.buckets ?? [];
  return new Set(buckets.map((b) => b.key));
}
