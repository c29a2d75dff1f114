/**
 * The chat-name cache index (design §4, `_id` = chat_id), shared by every replica: the second tier
 * of resolution (`mget`) and where names learned from the API, webhooks and refreshes are kept.
 *
 * Writes carry `external_gte` versions from the time the name became true when it is known (a
 * rename notification's time, the chat's `updated_at`), so an older answer arriving late cannot
 * overwrite a newer rename; a write that loses that race is simply superseded.
 */
import { parsePeriskopeTime } from "@periskope-pipeline/contracts";
import { bulkWrite, type ElasticsearchClient, type ElasticsearchPolicy } from "@periskope-pipeline/elasticsearch";
import { resolved, type ChatNameResolution, type ChatNameUpdate } from "./chat-name.ts";

export interface CacheWriteResult {
  /** The names the index now holds. */
  readonly written: readonly ChatNameUpdate[];
  /** Refused because the index holds a name that changed later. */
  readonly superseded: readonly ChatNameUpdate[];
  /** Refused for good (mapping): logged, not retried. */
  readonly failed: number;
  /** Still retryable when the policy gave up (Elasticsearch unavailable): worth writing again. */
  readonly retry: readonly ChatNameUpdate[];
}

export class CacheIndex {
  private readonly es: ElasticsearchClient;
  private readonly policy: Pick<ElasticsearchPolicy, "execute"> | undefined;
  readonly index: string;

  /** Without a policy (tools, tests) writes get the package's retry without a breaker. */
  constructor(es: ElasticsearchClient, index: string, policy?: Pick<ElasticsearchPolicy, "execute">) {
    this.es = es;
    this.index = index;
    this.policy = policy;
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

  /** Upserts names in one bulk write. Throws only when the request is refused as a whole. */
  async write(updates: readonly ChatNameUpdate[]): Promise<CacheWriteResult> {
    const now = Date.now();
    const nowIso = new Date(now).toISOString();
    const latest = latestPerChat(updates);
    const operations = latest.map((update) => {
      const version = update.changedAt !== undefined && update.changedAt > 0 ? update.changedAt : now;
      return {
        action: { index: { _index: this.index, _id: update.chatId, version, version_type: "external_gte" } },
        document: {
          chat_id: update.chatId,
          chat_name: update.chatName,
          chat_type: update.chatType,
          org_phone: update.orgPhone,
          source: update.source,
          chat_updated_at: update.changedAt !== undefined ? new Date(update.changedAt).toISOString() : undefined,
          "@timestamp": nowIso,
          updated_at: nowIso,
        },
      };
    });
    const outcomes = await bulkWrite(this.es, operations, { policy: this.policy });
    const result = { written: [] as ChatNameUpdate[], superseded: [] as ChatNameUpdate[], failed: 0, retry: [] as ChatNameUpdate[] };
    outcomes.forEach((outcome, i) => {
      if (outcome.kind === "ok") result.written.push(latest[i]!);
      else if (outcome.kind === "superseded") result.superseded.push(latest[i]!);
      else if (outcome.kind === "rejected") result.failed++;
      else result.retry.push(latest[i]!);
    });
    return result;
  }
}

/** Whether `update` should replace `previous` for its chat: the newer name wins, the later one on equal times. */
export function supersedes(update: ChatNameUpdate, previous: ChatNameUpdate | undefined): boolean {
  return !previous || (update.changedAt ?? Infinity) >= (previous.changedAt ?? 0);
}

/** One write per chat per request: the newest update wins. */
function latestPerChat(updates: readonly ChatNameUpdate[]): ChatNameUpdate[] {
  const byChat = new Map<string, ChatNameUpdate>();
  for (const update of updates) if (supersedes(update, byChat.get(update.chatId))) byChat.set(update.chatId, update);
  return [...byChat.values()];
}
