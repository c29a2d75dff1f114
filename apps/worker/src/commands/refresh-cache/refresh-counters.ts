/**
 * The counts `refresh-cache` reports (design §5), and its checkpoint.
 *
 * Counts are kept per phone, because phones are paged concurrently and each checkpoints on its own:
 * a phone's checkpoint holds its offset (the first page not yet fully handled) together with its
 * counts up to that offset, never counts of pages past it, so a worker taking the run over resumes
 * each phone where it stopped and counts no page twice. `api_calls` is run-wide: calls are made
 * whether or not their page was checkpointed, and it reports calls made.
 */
import type { Checkpoint, Progress, Stats } from "../run-record.ts";
import type { ChatVerdict } from "./listed-chat.ts";

/** `newly_cached + already_cached == total_chats`; `renamed` and `unnamed` are subsets beside them. */
export interface ChatCounts {
  /** Distinct chats listed (named or not), as the original service reported. */
  total_chats: number;
  /** Chats the cache held no name for, now written (and unnamed chats it held no record of, recorded without a name). */
  newly_cached: number;
  /** Chats the cache already held: same name, renamed, or unnamed with a record. */
  already_cached: number;
  /** Part of `already_cached`: cached under an older name, now rewritten. */
  renamed: number;
  /** Listed without a name (part of `newly_cached` or `already_cached`): their messages get a name from the API or a webhook. */
  unnamed: number;
  /** `GET /chats` pages handled. */
  pages: number;
}

export interface PhoneCursor {
  offset: number;
  done: boolean;
  counts: ChatCounts;
}

export interface RefreshCheckpoint {
  phones: Record<string, PhoneCursor>;
  /** HTTP attempts to the API, retries included. */
  api_calls: number;
  /** Time spent by earlier attempts, so `duration_ms` covers the whole run. */
  elapsed_ms: number;
}

const COUNT_KEYS = ["total_chats", "newly_cached", "already_cached", "renamed", "unnamed", "pages"] as const;

export function zeroCounts(): ChatCounts {
  return { total_chats: 0, newly_cached: 0, already_cached: 0, renamed: 0, unnamed: 0, pages: 0 };
}

export function sumCounts(all: Iterable<ChatCounts>): ChatCounts {
  const total = zeroCounts();
  for (const counts of all) for (const key of COUNT_KEYS) total[key] += counts[key];
  return total;
}

/** Counts one chat listed, by what it was for the cache. */
export function countChat(counts: ChatCounts, verdict: ChatVerdict): void {
  counts.total_chats++;
  if (verdict === "new" || verdict === "unnamed-new") counts.newly_cached++;
  else counts.already_cached++;
  if (verdict === "renamed") counts.renamed++;
  if (verdict === "unnamed-new" || verdict === "unnamed-held") counts.unnamed++;
}

/** A checkpoint from the run record, or undefined when it is missing or not one of ours. */
export function readCheckpoint(raw: Checkpoint | undefined): RefreshCheckpoint | undefined {
  if (!raw || typeof raw !== "object") return undefined;
  const { phones, api_calls, elapsed_ms } = raw as Partial<RefreshCheckpoint>;
  if (!phones || typeof phones !== "object" || typeof api_calls !== "number") return undefined;
  const cursors: Record<string, PhoneCursor> = {};
  for (const [phone, cursor] of Object.entries(phones)) {
    if (typeof cursor?.offset !== "number" || typeof cursor.done !== "boolean" || !cursor.counts) return undefined;
    const counts = zeroCounts();
    for (const key of COUNT_KEYS) {
      const value = cursor.counts[key];
      if (typeof value !== "number" || !Number.isFinite(value)) return undefined;
      counts[key] = value;
    }
    cursors[phone] = { offset: cursor.offset, done: cursor.done, counts };
  }
  return { phones: cursors, api_calls, elapsed_ms: typeof elapsed_ms === "number" ? elapsed_ms : 0 };
}

export function refreshProgress(counts: ChatCounts, apiCalls: number, cursors: Record<string, PhoneCursor>, expectedChats: number | undefined): Progress {
  const all = Object.values(cursors);
  return {
    ...counts,
    api_calls: apiCalls,
    phones_total: all.length,
    phones_done: all.filter((c) => c.done).length,
    ...(expectedChats !== undefined ? { expected_chats: expectedChats } : {}),
  };
}

export function refreshStats(counts: ChatCounts, apiCalls: number, durationMs: number, dryRun: boolean): Stats {
  return { ...counts, api_calls: apiCalls, duration_ms: durationMs, dry_run: dryRun };
}
