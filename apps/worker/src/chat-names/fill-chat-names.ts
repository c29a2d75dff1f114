/**
 * Fills a chat's name into messages already indexed without it, or with an older one (design §3.6):
 * search by `chat_id` with `search_after`, then bulk partial updates. Core APIs only (design §8: no
 * update-by-query, no scripts), so it runs on the test distribution and every managed cluster.
 *
 * A partial update re-indexes the document with its version + 1. Message versions leave a gap of
 * 256 between consecutive states (stages/event-version.ts), so the bump stays inside the state's
 * slot: a newer event, even one in the same millisecond, is still above it and wins, while a
 * redelivery of the filled state itself is now below it and is superseded instead of erasing the
 * name. `retry_on_conflict` covers a newer event landing between read and write.
 *
 * @example
 * const { updated } = await fillChatNames(es, "whatsapp_messages", [
 *   { chatId: "120363400000000001@g.us", chatName: "Acme x Northwind Ops", source: "webhook" },
 * ]);
 */
import { setTimeout as sleep } from "node:timers/promises";
import { bulkItemResult, classifyBulkItem, type ElasticsearchClient } from "@periskope-pipeline/elasticsearch";
import type { ChatNameUpdate } from "./chat-name.ts";
import { staleMessagesQuery } from "./stale-messages-query.ts";

/** What a fill needs to know of a chat. */
export type KnownChatName = Pick<ChatNameUpdate, "chatId" | "chatName" | "chatType">;

export interface FillChatNamesOptions {
  /** Documents read and updated per round trip. */
  readonly pageSize?: number;
  /** Chats per search; each is one clause of a bool query. */
  readonly chatsPerQuery?: number;
  /** Only messages indexed at or after this time (ISO-8601). */
  readonly since?: string | undefined;
  /** Pause between pages, so a long fill never starves live indexing. */
  readonly pauseMs?: number;
  readonly signal?: AbortSignal;
  /** Called after every page read with that page's counts (command progress and counters). */
  readonly onPage?: (page: FillChatNamesResult) => void;
}

export interface FillChatNamesResult {
  /** Messages whose name was set. */
  readonly updated: number;
  /** Messages whose update failed (retried by the next fill for that chat). */
  readonly failed: number;
}

interface HitSource {
  readonly chat_id?: string;
  readonly chat_name?: string | null;
  readonly chat_name_status?: string;
}

export async function fillChatNames(
  es: ElasticsearchClient,
  messagesIndex: string,
  updates: readonly KnownChatName[],
  options: FillChatNamesOptions = {},
): Promise<FillChatNamesResult> {
  const pageSize = options.pageSize ?? 1_000;
  const chatsPerQuery = options.chatsPerQuery ?? 100;
  const latest = new Map<string, KnownChatName>();
  for (const update of updates) if (update.chatName !== "") latest.set(update.chatId, update);
  const chats = [...latest.values()];
  let updated = 0;
  let failed = 0;

  for (let start = 0; start < chats.length; start += chatsPerQuery) {
    const group = chats.slice(start, start + chatsPerQuery);
    let searchAfter: unknown[] | undefined;
    for (;;) {
      options.signal?.throwIfAborted();
      const page = await es.search<HitSource>({
        index: messagesIndex,
        size: pageSize,
        query: staleMessagesQuery(group, options.since),
        // Both fields are immutable per document, so updating a page never shifts the next one.
        sort: [{ chat_id: "asc" }, { message_id: "asc" }],
        _source: ["chat_id", "chat_name", "chat_name_status"],
        track_total_hits: false,
        ...(searchAfter ? { search_after: searchAfter as never } : {}),
      });
      const hits = page.hits.hits;
      const operations: unknown[] = [];
      const counts = { updated: 0, failed: 0 };
      for (const hit of hits) {
        const update = hit._source?.chat_id !== undefined ? latest.get(hit._source.chat_id) : undefined;
        if (!update || hit._id === undefined) continue;
        // Names longer than the keyword's ignore_above match the query every time; skip them here.
        if (hit._source?.chat_name === update.chatName && hit._source.chat_name_status === "resolved") continue;
        operations.push(
          { update: { _index: hit._index, _id: hit._id, retry_on_conflict: 3 } },
          { doc: { chat_name: update.chatName, chat_name_status: "resolved", ...(update.chatType ? { chat_type: update.chatType } : {}) } },
        );
      }
      if (operations.length > 0) {
        const response = await es.bulk({ operations });
        for (const item of response.items) {
          const kind = classifyBulkItem(bulkItemResult(item)).kind;
          if (kind === "ok") counts.updated++;
          else counts.failed++;
        }
      }
      updated += counts.updated;
      failed += counts.failed;
      options.onPage?.(counts);
      if (hits.length < pageSize) break;
      searchAfter = hits[hits.length - 1]?.sort;
      if (!searchAfter) break;
      if (options.pauseMs) await sleep(options.pauseMs, undefined, options.signal ? { signal: options.signal } : {});
    }
  }
  return { updated, failed };
}
