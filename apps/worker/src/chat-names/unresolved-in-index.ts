/**
 * The chats whose messages the messages index still holds without a name, read at startup: the
 * worker's list of unresolved chats lives in memory, so a restart would otherwise forget them and
 * leave their messages unnamed until a webhook or a backfill came by. One terms aggregation on
 * `chat_id` (most unresolved messages first, at most `maxChats`), with the org phone that saw each.
 *
 * Bounded twice: `maxChats` buckets, each with one `org_phone` sub-bucket, stay well under
 * Elasticsearch's `search.max_buckets` (65,536 by default).
 */
import type { ElasticsearchClient } from "@periskope-pipeline/elasticsearch";

/** Chat id → the org phone that saw it (the lookup's `x-phone` scope), if known. */
export async function unresolvedChatsInIndex(es: ElasticsearchClient, index: string, maxChats: number): Promise<Map<string, string | undefined>> {
  const chats = new Map<string, string | undefined>();
  if (maxChats === 0) return chats;
  const response = await es.search({
    index,
    size: 0,
    query: { term: { chat_name_status: "unresolved" } },
    aggs: { chats: { terms: { field: "chat_id", size: maxChats }, aggs: { phone: { terms: { field: "org_phone", size: 1 } } } } },
  });
  const buckets = (response.aggregations?.chats as { buckets?: Array<{ key: string; phone?: { buckets?: Array<{ key: string }> } }> } | undefined)?.buckets ?? [];
  for (const bucket of buckets) chats.set(bucket.key, bucket.phone?.buckets?.[0]?.key);
  return chats;
}
