/**
 * The chat-name cache as `refresh-cache` reads and writes it: an `mget` of the names held for a
 * page's chats, and one bulk upsert of the new and renamed ones.
 *
 * Unnamed chats the cache holds no record of are recorded without a name, so the cache holds every
 * chat the API lists (a name arriving later replaces the record: external versions beat its internal 1).
 *
 * Documents have the same shape and versioning as the worker's own cache writes
 * (`chat-names/cache-index.ts`): `external_gte` with the chat's `updated_at`, so a refresh that read
 * a page before a webhook renamed the chat cannot put the older name back. Per-item outcomes are
 * kept per chat, so the run counts exactly what it wrote. Items refused with 429/5xx are retried a
 * few times; what is still refused is returned, never silently dropped.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { bulkItemResult, classifyBulkItem, type ElasticsearchClient } from "@periskope-pipeline/elasticsearch";
import type { ListedChat } from "./listed-chat.ts";

export interface WriteOutcome {
  written: ListedChat[];
  /** The cache already holds a newer name for these (a webhook or lookup won the race). */
  superseded: ListedChat[];
  /** Refused for good (mapping) or still refused after the retries. */
  failed: Array<{ chat: ListedChat; reason: string }>;
}

const RETRY_ROUNDS = 4;
const RETRY_BASE_MS = 200;

/** The cache's records of these chats: their name, or null for a record without one. Absent ids are not held. */
export async function cachedNames(es: ElasticsearchClient, index: string, chatIds: readonly string[]): Promise<Map<string, string | null>> {
  const names = new Map<string, string | null>();
  if (chatIds.length === 0) return names;
  const response = await es.mget<{ chat_name?: unknown }>({ index, ids: [...chatIds], _source_includes: ["chat_name"], realtime: true });
  for (const doc of response.docs) {
    if (!("found" in doc) || !doc.found) continue;
    const name = doc._source?.chat_name;
    names.set(doc._id, typeof name === "string" && name !== "" ? name : null);
  }
  return names;
}

/**
 * Takes no abort signal on purpose: a bulk request abandoned mid-flight may still be applied, and
 * then the run could not say what it wrote. Writes are short; the caller stops before the next one.
 */
export async function writeChatNames(es: ElasticsearchClient, index: string, chats: readonly ListedChat[]): Promise<WriteOutcome> {
  const outcome: WriteOutcome = { written: [], superseded: [], failed: [] };
  let pending = [...chats];
  for (let round = 1; pending.length > 0; round++) {
    const now = Date.now();
    const nowIso = new Date(now).toISOString();
    const operations: unknown[] = [];
    for (const chat of pending) {
      operations.push(
        // An unnamed chat is only recorded where nothing is: `create` never replaces a name.
        chat.chatName === null
          ? { create: { _index: index, _id: chat.chatId } }
          : { index: { _index: index, _id: chat.chatId, version: chat.updatedAtMs ?? now, version_type: "external_gte" } },
        {
          chat_id: chat.chatId,
          chat_name: chat.chatName,
          chat_type: chat.chatType,
          org_phone: chat.orgPhone,
          source: "refresh",
          chat_updated_at: chat.updatedAtMs === undefined ? undefined : new Date(chat.updatedAtMs).toISOString(),
          "@timestamp": nowIso,
          updated_at: nowIso,
        },
      );
    }
    const response = await es.bulk({ operations });
    const retry: ListedChat[] = [];
    response.items.forEach((item, i) => {
      const chat = pending[i] as ListedChat;
      const result = classifyBulkItem(bulkItemResult(item));
      if (result.kind === "ok") outcome.written.push(chat);
      else if (result.kind === "superseded") outcome.superseded.push(chat);
      else if (result.kind === "retryable" && round < RETRY_ROUNDS) retry.push(chat);
      else outcome.failed.push({ chat, reason: `${result.errorType}: ${result.reason}` });
    });
    pending = retry;
    if (pending.length > 0) await sleep(RETRY_BASE_MS * 2 ** (round - 1));
  }
  return outcome;
}
