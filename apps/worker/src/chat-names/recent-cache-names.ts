/**
 * The names the cache index took since a time (`updated_at`: when the write landed), every one of
 * them: paged by `chat_id` with `search_after`, so a burst of new chats (a first refresh, a flood of
 * `chat.created`) cannot crowd a rename out of the sweep that mends its messages.
 */
import type { ElasticsearchClient } from "@periskope-pipeline/elasticsearch";
import type { ChatNameUpdate } from "./chat-name.ts";

interface CachedName {
  readonly chat_id?: string;
  readonly chat_name?: string | null;
  readonly chat_type?: string;
}

export async function recentCacheNames(
  es: ElasticsearchClient,
  index: string,
  sinceMs: number,
  options: { readonly pageSize?: number; readonly maxPages?: number; readonly retry?: <T>(call: () => Promise<T>) => Promise<T> } = {},
): Promise<ChatNameUpdate[]> {
  const pageSize = options.pageSize ?? 1_000;
  const retry = options.retry ?? (<T>(call: () => Promise<T>) => call());
  const names: ChatNameUpdate[] = [];
  let after: unknown[] | undefined;
  for (let page = 0; page < (options.maxPages ?? 1_000); page++) {
    const response = await retry(() =>
      es.search<CachedName>({
        index,
        size: pageSize,
        query: { range: { updated_at: { gte: new Date(sinceMs).toISOString() } } },
        sort: [{ chat_id: "asc" }],
        _source: ["chat_id", "chat_name", "chat_type"],
        track_total_hits: false,
        ...(after ? { search_after: after as never } : {}),
      }),
    );
    const hits = response.hits.hits;
    for (const { _source: doc } of hits) {
      if (!doc?.chat_id || !doc.chat_name) continue;
      names.push({ chatId: doc.chat_id, chatName: doc.chat_name, ...(doc.chat_type ? { chatType: doc.chat_type } : {}), source: "cache" });
    }
    after = hits[hits.length - 1]?.sort;
    if (hits.length < pageSize || !after) break;
  }
  return names;
}
