/**
 * `refresh-cache` (design §5): every chat of every configured phone and every org phone seen in
 * webhooks, from `GET /chats` pages of up to 2000, into the chat-name cache — one `mget` and at
 * most one bulk request per page, instead of one API call and one index request per chat.
 *
 * Per page: dedupe by chat_id (offset paging over a list sorted by activity can repeat a chat, and a
 * group can be listed under two phones), compare with the cache, write the new and renamed names,
 * hand those of chats with messages to the worker so it fills `chat_name` on them, then checkpoint. Counts only
 * move once a page's writes are done, so whatever stops the run, its record says exactly what was
 * written. Phones are paged concurrently; within a phone the next page is read ahead.
 */
import type { CommandArgs } from "@periskope-pipeline/commands";
import type { ElasticsearchClient } from "@periskope-pipeline/elasticsearch";
import type { Logger } from "@periskope-pipeline/observability";
import pLimit from "p-limit";
import { CommandError, describeFailure } from "../command-error.ts";
import type { PeriskopeClient } from "@periskope-pipeline/periskope";
import type { ChatNameUpdate } from "../deps.ts";
import type { RunContext } from "../run-context.ts";
import type { Stats } from "../run-record.ts";
import { cachedNames, writeChatNames } from "./cache-names.ts";
import { chatPages, type FetchedPage } from "./chat-pages.ts";
import { chatsWithMessages } from "./chats-with-messages.ts";
import { classifyChat, toListedChat, type ChatVerdict, type ListedChat } from "./listed-chat.ts";
import { countChat, readCheckpoint, refreshProgress, refreshStats, sumCounts, zeroCounts, type ChatCounts, type PhoneCursor } from "./refresh-counters.ts";

export interface RefreshCacheDeps {
  es: ElasticsearchClient;
  cacheIndex: string;
  messagesIndex: string;
  periskope: PeriskopeClient | null;
  /** Default phones (`PERISKOPE_PHONES`) when the command names none. */
  phones: readonly string[];
  /** The org phones seen in webhooks (`org-phones/`): paged too when the command names none. */
  recordedPhones: () => Promise<readonly string[]>;
  pageSize: number;
  phoneConcurrency: number;
  onChatNamesChanged: (updates: ChatNameUpdate[]) => Promise<void>;
  logger: Logger;
}

export type RefreshCacheArgs = CommandArgs<"refresh-cache">;

const NO_PHONES =
  "no phones to refresh: set PERISKOPE_PHONES to the org's phone numbers (digits with country code, comma-separated, e.g. PERISKOPE_PHONES=447700900123), " +
  "or let the worker see one webhook first (it remembers every data.org_phone), or pass phones to the command";

export async function refreshCache(deps: RefreshCacheDeps, args: RefreshCacheArgs, ctx: RunContext): Promise<Stats> {
  const started = Date.now();
  const dryRun = args.dry_run ?? false;
  const phones = args.phones ?? [...new Set([...deps.phones, ...(await deps.recordedPhones())])];
  if (phones.length === 0) throw new CommandError("no_phones", NO_PHONES);
  if (!deps.periskope) throw new CommandError("periskope_not_configured", "PERISKOPE_API_KEY is not set: refresh-cache needs the Periskope API");

  const resumed = readCheckpoint(ctx.checkpoint);
  const cursors: Record<string, PhoneCursor> = {};
  /** Per phone, counts of every page handled so far, checkpointed or not (what was written). */
  const live: Record<string, ChatCounts> = {};
  for (const phone of phones) {
    cursors[phone] = resumed?.phones[phone] ?? { offset: 0, done: false, counts: zeroCounts() };
    live[phone] = { ...(cursors[phone] as PhoneCursor).counts };
  }
  const api = { calls: resumed?.api_calls ?? 0 };
  const previousElapsed = resumed?.elapsed_ms ?? 0;
  const expected = await expectedChats(deps, args);
  const seen = new Set<string>();
  const client = deps.periskope;
  const onAttempt = () => void api.calls++;
  const totals = () => sumCounts(Object.values(live));

  // The first failure stops the other phones' reads; writes already in flight finish, so the counts
  // stay true. The run then fails with those counts.
  const stop = new AbortController();
  const signal = AbortSignal.any([ctx.signal, stop.signal]);
  const limit = pLimit(Math.max(1, deps.phoneConcurrency));
  const results = await Promise.allSettled(
    phones
      .filter((phone) => !cursors[phone]?.done)
      .map((phone) =>
        limit(async () => {
          const counts = live[phone] as ChatCounts;
          // A page's checkpoint is saved only once its names are filled into messages too, and
          // that fill runs while the next page is compared and written (it waits on Elasticsearch
          // searches, the next page on the API and bulk writes).
          let filling: { page: FetchedPage; counts: ChatCounts; done: Promise<void> } | undefined;
          const checkpoint = async () => {
            if (!filling) return;
            await filling.done;
            cursors[phone] = { offset: filling.page.nextOffset, done: filling.page.last, counts: filling.counts };
            filling = undefined;
            const elapsed_ms = previousElapsed + Date.now() - started;
            await ctx.save(refreshProgress(totals(), api.calls, cursors, expected), { phones: cursors, api_calls: api.calls, elapsed_ms });
          };
          try {
            for await (const fetched of chatPages(client, { phone, offset: cursors[phone]?.offset ?? 0, limit: deps.pageSize, chatType: args.chat_type, signal, onAttempt })) {
              const written = await storePage(deps, fetched, { counts, seen, dryRun });
              await checkpoint();
              const done = fillMessages(deps, written);
              done.catch(() => {}); // awaited by the next checkpoint; never left unhandled
              filling = { page: fetched, counts: { ...counts }, done };
              if (signal.aborted) throw signal.reason;
            }
            await checkpoint();
          } catch (error) {
            // The first failure is the run's reason; the others are its echoes (aborted reads).
            if (!stop.signal.aborted) stop.abort(error);
            throw error;
          }
        }),
      ),
  );

  const stats: Stats = { ...refreshStats(totals(), api.calls, previousElapsed + Date.now() - started, dryRun), ...(resumed ? { resumed: true } : {}) };
  if (results.some((r) => r.status === "rejected")) throw asRunFailure(stop.signal.reason, { ...stats, complete: false }, dryRun);
  return stats;
}

interface PageState {
  /** The phone's running counts, moved only once a page's writes are done. */
  counts: ChatCounts;
  seen: Set<string>;
  dryRun: boolean;
}

/**
 * Compares a page with the cache and writes what changed; returns the named chats written (new or
 * renamed), whose messages may need the name.
 *
 * Every chat listed lands in exactly one of `newly_cached` / `already_cached`, so they add up to
 * `total_chats` as in the original service (see `countChat`). An unnamed chat the cache does not
 * hold yet is recorded without a name (`create`, so it never replaces a name a webhook brought):
 * the cache then holds every chat the API lists, and the chat's first message still asks the API.
 */
async function storePage(deps: RefreshCacheDeps, fetched: FetchedPage, state: PageState): Promise<ListedChat[]> {
  const { counts, seen } = state;
  const fresh: ListedChat[] = [];
  for (const chat of fetched.page.chats) {
    if (seen.has(chat.chat_id)) continue;
    seen.add(chat.chat_id);
    fresh.push(toListedChat(chat));
  }
  const cached = await cachedNames(deps.es, deps.cacheIndex, fresh.map((c) => c.chatId));
  const page = zeroCounts();
  const changed: ListedChat[] = [];
  const renamedIds = new Set<string>();
  for (const chat of fresh) {
    const verdict = classifyChat(chat, cached);
    if (verdict === "same" || verdict === "unnamed-held") countChat(page, verdict);
    else {
      changed.push(chat);
      if (verdict === "renamed") renamedIds.add(chat.chatId);
    }
  }

  if (!state.dryRun && changed.length > 0) {
    const outcome = await writeChatNames(deps.es, deps.cacheIndex, changed);
    // Counted as the cache stood when this page read it. A write superseded meanwhile (a webhook
    // won the race, or this very write landed and its retry met itself) counts the same way, so a
    // retried request cannot move a chat from newly to already cached.
    for (const chat of [...outcome.written, ...outcome.superseded]) countChat(page, writtenVerdict(chat, renamedIds));
    addPage(counts, page);
    if (outcome.failed.length > 0) {
      const first = outcome.failed[0];
      throw new CommandError("cache_write_failed", `${outcome.failed.length} chat name(s) of a page at offset ${fetched.offset} for phone ${fetched.phone} could not be written (first: ${first?.chat.chatId}: ${first?.reason})`);
    }
    return outcome.written.filter((c) => c.chatName !== null);
  }
  // Nothing changed, or a dry run: counted as if written, and nothing to fill.
  for (const chat of changed) countChat(page, writtenVerdict(chat, renamedIds));
  addPage(counts, page);
  return [];
}

function writtenVerdict(chat: ListedChat, renamedIds: ReadonlySet<string>): ChatVerdict {
  if (chat.chatName === null) return "unnamed-new";
  return renamedIds.has(chat.chatId) ? "renamed" : "new";
}

/** Moves a phone's counts by a handled page (only once its writes are done). */
function addPage(counts: ChatCounts, page: ChatCounts): void {
  Object.assign(counts, sumCounts([counts, page]));
  counts.pages++;
}

/**
 * Hands the written names of chats that have messages to the worker, which fills them in. Chats
 * without any message are left out: there is nothing to fill, and their first message finds the
 * name in the cache index (this spares a cold refresh hundreds of fill searches).
 */
async function fillMessages(deps: RefreshCacheDeps, written: readonly ListedChat[]): Promise<void> {
  if (written.length === 0) return;
  let withMessages: Set<string>;
  try {
    withMessages = await chatsWithMessages(deps.es, deps.messagesIndex, written.map((c) => c.chatId));
  } catch (error) {
    throw new CommandError("chat_name_fill_failed", `${written.length} name(s) were cached but their messages could not be checked (run backfill-chat-names to fill them): ${describeFailure(error).message}`, { cause: error });
  }
  const toFill = written.filter((c) => withMessages.has(c.chatId));
  if (toFill.length === 0) return;
  const updates: ChatNameUpdate[] = toFill.map((c) => ({
    chatId: c.chatId,
    chatName: c.chatName as string,
    ...(c.chatType !== undefined ? { chatType: c.chatType } : {}),
    ...(c.orgPhone !== undefined ? { orgPhone: c.orgPhone } : {}),
    ...(c.updatedAtMs !== undefined ? { changedAt: c.updatedAtMs } : {}),
    source: "refresh",
  }));
  try {
    await deps.onChatNamesChanged(updates);
  } catch (error) {
    const { message } = describeFailure(error);
    throw new CommandError(
      "chat_name_fill_failed",
      `${updates.length} name(s) were cached but filling them into their messages failed (run backfill-chat-names to fill them): ${message}`,
      { cause: error },
    );
  }
}

/** The cache's current size: the progress bar's best guess at the total before paging ends. */
async function expectedChats(deps: RefreshCacheDeps, args: RefreshCacheArgs): Promise<number | undefined> {
  try {
    const response = await deps.es.count({ index: deps.cacheIndex, ...(args.chat_type ? { query: { term: { chat_type: args.chat_type } } } : {}) });
    return response.count > 0 ? response.count : undefined;
  } catch {
    return undefined;
  }
}

/** The run's error with what it had written; a dry run wrote nothing, and says so. */
function asRunFailure(error: unknown, stats: Stats, dryRun: boolean): CommandError {
  const { code, message } = describeFailure(error);
  const done = dryRun
    ? "dry run: nothing was written"
    : `${stats.newly_cached} new and ${stats.renamed} renamed chat name(s) were written to the cache before the failure (${stats.pages} page(s)); running refresh-cache again completes it`;
  return new CommandError(code, `${message}; ${done}`, { stats, cause: error });
}
