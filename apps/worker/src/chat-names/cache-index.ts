/**
 * The chat-name cache index (design §4, `_id` = chat_id), shared by every replica: the second tier
 * of resolution (`mget`) and where names learned from the API, webhooks and refreshes are kept.
 *
 * Writes carry `external_gte` versions from the time the name became true when it is known (a
 * rename notification's time, the chat's `updated_at`), so an older answer arriving late cannot
 * overwrite a newer rename; a write that loses that race is simply superseded.
 */
import { parsePeriskopeTime } from "@periskope-pipeline/contracts";
import { bulkItemResult, classifyBulkItem, type ElasticsearchClient } from "@periskope-pipeline/elasticsearch";
import { resolved, type ChatNameResolution, type ChatNameUpdate } from "./chat-name.ts";

export interface CacheWriteResult {
  readonly written: number;
  readonly superseded: number;
  readonly failed: number;
}

export class CacheIndex {
  private readonly es: ElasticsearchClient;
  readonly index: string;

  constructor(es: ElasticsearchClient, index: string) {
    this.es = es;
    this.index = index;
  }

  /** Names for the chats the cache holds; absent ids are misses. Throws on request failure. */
  async lookup(chatIds: readonly string[]): Promise<Map<string, ChatNameResolution>> {
    const found = new Map<string, ChatNameResolution>();
    if (chatIds.length === 0) return found;
    const response = await this.es.mget<{ chat_name?: unknown; chat_type?: unknown; chat_updated_at?: unknown }>({
      index: this.index,
      ids: [...chatIds],
      _source_includes: ["chat_name", "chat_type", "chat_updated_at"],
      // A name written by another replica a moment ago is readable at once (mget is real-time).
      realtime: true,
    });
    for (const doc of response.docs) {
      if (!("found" in doc) || !doc.found || !doc._source) continue;
      const { chat_name: name, chat_type: type, chat_updated_at: updatedAt } = doc._source;
      if (typeof name !== "string" || name === "") continue;
      // The name's change time orders it against names remembered in memory (memory-tier.ts).
      found.set(doc._id, resolved(name, typeof type === "string" ? type : undefined, parsePeriskopeTime(updatedAt) ?? undefined));
    }
    return found;
  }

  /** Upserts names in one bulk request. Throws only when the request itself fails. */
  async write(updates: readonly ChatNameUpdate[]): Promise<CacheWriteResult> {
    if (updates.length === 0) return { written: 0, superseded: 0, failed: 0 };
    const now = Date.now();
    const nowIso = new Date(now).toISOString();
    const operations: unknown[] = [];
    for (const update of latestPerChat(updates)) {
      const version = update.changedAt !== undefined && update.changedAt > 0 ? update.changedAt : now;
      operations.push(
        { index: { _index: this.index, _id: update.chatId, version, version_type: "external_gte" } },
        {
          chat_id: update.chatId,
          chat_name: update.chatName,
          chat_type: update.chatType,
          org_phone: update.orgPhone,
          source: update.source,
          chat_updated_at: update.changedAt !== undefined ? new Date(update.changedAt).toISOString() : undefined,
          "@timestamp": nowIso,
          updated_at: nowIso,
        },
      );
    }
    const response = await this.es.bulk({ operations });
    let written = 0;
    let superseded = 0;
    let failed = 0;
    for (const item of response.items) {
      const outcome = classifyBulkItem(bulkItemResult(item));
      if (outcome.kind === "ok") written++;
      else if (outcome.kind === "superseded") superseded++;
      else failed++;
    }
    return { written, superseded, failed };
  }
}

/** One write per chat per request: the newest update wins (later in the list on equal times). */
function latestPerChat(updates: readonly ChatNameUpdate[]): ChatNameUpdate[] {
  const byChat = new Map<string, ChatNameUpdate>();
  for (const update of updates) {
    const previous = byChat.get(update.chatId);
    if (!previous || (update.changedAt ?? Infinity) >= (previous.changedAt ?? 0)) byChat.set(update.chatId, update);
  }
  return [...byChat.values()];
}
