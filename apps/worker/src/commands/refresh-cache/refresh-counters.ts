/**
 * The counts `refresh-cache` reports (design §5), and its checkpoint: per phone, the offset of the
 * first page not yet fully written, plus the counts so far, so a worker taking the run over
 * continues where the last one stopped instead of starting over.
 */
import type { Checkpoint, Progress } from "../run-record.ts";

export interface RefreshCounters {
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
  /** `GET /chats` pages received. */
  pages: number;
  /** HTTP attempts to the API, retries included. */
  api_calls: number;
}

export interface PhoneCursor {
  offset: number;
  done: boolean;
}

export interface RefreshCheckpoint {
  phones: Record<string, PhoneCursor>;
  counters: RefreshCounters;
  /** Time spent by earlier attempts, so `duration_ms` covers the whole run. */
  elapsed_ms: number;
}

export function zeroCounters(): RefreshCounters {
  return { total_chats: 0, newly_cached: 0, already_cached: 0, renamed: 0, unnamed: 0, pages: 0, api_calls: 0 };
}

/** A checkpoint from the run record, or undefined when it is missing or not ours. */
export function readCheckpoint(raw: Checkpoint | undefined): RefreshCheckpoint | undefined {
  if (!raw || typeof raw !== "object") return undefined;
  const { phones, counters, elapsed_ms } = raw as Partial<RefreshCheckpoint>;
  if (!phones || typeof phones !== "object" || !counters || typeof counters !== "object") return undefined;
  const base = zeroCounters();
  for (const key of Object.keys(base) as Array<keyof RefreshCounters>) {
    const value = counters[key];
    if (typeof value !== "number" || !Number.isFinite(value)) return undefined;
    base[key] = value;
  }
  const cursors: Record<string, PhoneCursor> = {};
  for (const [phone, cursor] of Object.entries(phones)) {
    if (typeof cursor?.offset !== "number" || typeof cursor.done !== "boolean") return undefined;
    cursors[phone] = { offset: cursor.offset, done: cursor.done };
  }
  return { phones: cursors, counters: base, elapsed_ms: typeof elapsed_ms === "number" ? elapsed_ms : 0 };
}

export function refreshProgress(counters: RefreshCounters, phones: Record<string, PhoneCursor>, expectedChats: number | undefined): Progress {
  const cursors = Object.values(phones);
  return {
    ...counters,
    phones_total: cursors.length,
    phones_done: cursors.filter((c) => c.done).length,
    ...(expectedChats !== undefined ? { expected_chats: expectedChats } : {}),
  };
}
