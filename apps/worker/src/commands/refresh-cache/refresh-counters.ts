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

export interface ChatCounts {
  /** Distinct chats listed (named or not). */
  total_chats: number;
  /** Named chats the cache did not hold, now written. */
  newly_cached: number;
  /** Named chats the cache already held (renamed ones included). */
  already_cached: number;
  /** Cached under an older name, now rewritten. */
  renamed: number;
  /** Chats the API lists without a name: nothing to cache. */
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
