/**
 * `backfill-chat-names` (design §5): set `chat_name` on messages where it is missing, unresolved or
 * differs from the cache, optionally only for one chat or for messages indexed since a time.
 *
 * Driven by the cache, not by the messages: chats are read from the cache index in groups (sorted by
 * chat_id, `search_after`), and each group is filled like a live fill (`fillChatNames`: one search
 * returns only the messages that need fixing, fixed with bulk partial updates — core APIs only,
 * design §8). Batches are throttled (`BACKFILL_PAUSE_MS`) so a backfill never starves live
 * indexing, and each finished group is a checkpoint a takeover resumes from.
 */
import type { CommandArgs } from "@periskope-pipeline/commands";
import type { ElasticsearchClient } from "@periskope-pipeline/elasticsearch";
import { fillChatNames, type KnownChatName } from "../../chat-names/index.ts";
import { CommandError } from "../command-error.ts";
import type { RunContext } from "../run-context.ts";
import type { Stats } from "../run-record.ts";

export interface BackfillDeps {
  es: ElasticsearchClient;
  messagesIndex: string;
  cacheIndex: string;
  /** Messages read and updated per batch. */
  batchSize: number;
  pauseMs: number;
}

/** Chats per messages query: one `should` clause each, well under the 1024-clause default. */
const CHATS_PER_GROUP = 100;

interface Counters {
  chats: number;
  messages_updated: number;
  messages_failed: number;
  batches: number;
}

interface BackfillCheckpoint {
  after_chat_id: string | null;
  counters: Counters;
  elapsed_ms: number;
}

export async function backfillChatNames(deps: BackfillDeps, args: CommandArgs<"backfill-chat-names">, ctx: RunContext): Promise<Stats> {
  const started = Date.now();
  const resumed = readCheckpoint(ctx.checkpoint);
  const counters: Counters = resumed?.counters ?? { chats: 0, messages_updated: 0, messages_failed: 0, batches: 0 };
  const previousElapsed = resumed?.elapsed_ms ?? 0;
  const expected = args.chat_id ? 1 : await countCachedChats(deps);
  let after = resumed?.after_chat_id ?? null;

  for (;;) {
    ctx.signal.throwIfAborted();
    const group = args.chat_id ? (after === null ? await oneChat(deps, args.chat_id) : []) : await nextChats(deps, after);
    if (group.length === 0) break;
    await fixGroup(deps, group, args.since, counters, ctx);
    counters.chats += group.length;
    after = group[group.length - 1]?.chatId ?? after;
    const checkpoint: BackfillCheckpoint = { after_chat_id: after, counters: { ...counters }, elapsed_ms: previousElapsed + Date.now() - started };
    await ctx.save({ ...counters, ...(expected !== undefined ? { expected_chats: expected } : {}) }, { ...checkpoint });
    if (args.chat_id) break;
  }

  const stats: Stats = {
    ...counters,
    unresolved_remaining: await countUnresolved(deps, args),
    duration_ms: previousElapsed + Date.now() - started,
    ...(resumed ? { resumed: true } : {}),
  };
  if (counters.messages_failed > 0) {
    throw new CommandError("backfill_incomplete", `${counters.messages_failed} message update(s) were refused; ${counters.messages_updated} message(s) were updated. Run backfill-chat-names again to retry them.`, {
      stats: { ...stats, complete: false },
    });
  }
  return stats;
}

async function fixGroup(deps: BackfillDeps, group: readonly KnownChatName[], since: string | undefined, counters: Counters, ctx: RunContext): Promise<void> {
  await fillChatNames(deps.es, deps.messagesIndex, group, {
    pageSize: deps.batchSize,
    chatsPerQuery: CHATS_PER_GROUP,
    since,
    pauseMs: deps.pauseMs,
    signal: ctx.signal,
    onPage: (page) => {
      counters.messages_updated += page.updated;
      counters.messages_failed += page.failed;
      counters.batches++;
    },
  });
}

async function nextChats(deps: BackfillDeps, after: string | null): Promise<KnownChatName[]> {
  const response = await deps.es.search<{ chat_id?: string; chat_name?: unknown }>({
    index: deps.cacheIndex,
    size: CHATS_PER_GROUP,
    sort: [{ chat_id: "asc" }],
    _source: ["chat_id", "chat_name"],
    track_total_hits: false,
    ...(after !== null ? { search_after: [after] } : {}),
  });
  return response.hits.hits.flatMap((hit) => {
    const { chat_id: chatId, chat_name: chatName } = hit._source ?? {};
    return typeof chatId === "string" && typeof chatName === "string" && chatName !== "" ? [{ chatId, chatName }] : [];
  });
}

async function oneChat(deps: BackfillDeps, chatId: string): Promise<KnownChatName[]> {
  const response = await deps.es.get<{ chat_name?: unknown }>({ index: deps.cacheIndex, id: chatId, _source_includes: ["chat_name"] }, { ignore: [404] });
  const name = response.found ? response._source?.chat_name : undefined;
  return typeof name === "string" && name !== "" ? [{ chatId, chatName: name }] : [];
}

async function countCachedChats(deps: BackfillDeps): Promise<number | undefined> {
  try {
    return (await deps.es.count({ index: deps.cacheIndex })).count;
  } catch {
    return undefined;
  }
}

/** Messages in scope still without a name after the backfill (their chats have no cached name). */
async function countUnresolved(deps: BackfillDeps, args: CommandArgs<"backfill-chat-names">): Promise<number> {
  // Counts are near-real-time: make this run's own updates visible first (once per run).
  await deps.es.indices.refresh({ index: deps.messagesIndex });
  const response = await deps.es.count({
    index: deps.messagesIndex,
    query: {
      bool: {
        filter: [...(args.chat_id ? [{ term: { chat_id: args.chat_id } }] : []), ...(args.since ? [{ range: { indexed_at: { gte: args.since } } }] : [])],
        must_not: [{ exists: { field: "chat_name.keyword" } }],
      },
    },
  });
  return response.count;
}

function readCheckpoint(raw: Record<string, unknown> | undefined): BackfillCheckpoint | undefined {
  if (!raw) return undefined;
  const { after_chat_id, counters, elapsed_ms } = raw as Partial<BackfillCheckpoint>;
  if (after_chat_id !== null && typeof after_chat_id !== "string") return undefined;
  if (!counters) return undefined;
  const { chats, messages_updated, messages_failed, batches } = counters;
  if (![chats, messages_updated, messages_failed, batches].every((n) => typeof n === "number")) return undefined;
  return { after_chat_id, counters: { chats, messages_updated, messages_failed, batches }, elapsed_ms: typeof elapsed_ms === "number" ? elapsed_ms : 0 };
}
