/**
 * Where Elasticsearch's time goes in an e2e phase, from its own counters (`_nodes/stats`): the
 * time each activity took (indexing, refresh, merges, flush, search, get) and how often, as the
 * difference between two readings; plus the wait that makes two measured windows comparable: a
 * window ends only once the merges its writes started have finished (`settle`), so both the
 * pipeline and the bulk ceiling pay for the merges they cause.
 */
import type { ElasticsearchClient } from "@periskope-pipeline/elasticsearch";

/** Cumulative counters of the (single) node: times in ms, the rest counts. */
export type NodeCounters = Readonly<Record<string, number>>;

const STATS_PATHS = {
  index_docs: "indices.indexing.index_total",
  index_ms: "indices.indexing.index_time_in_millis",
  refreshes: "indices.refresh.total",
  refresh_ms: "indices.refresh.total_time_in_millis",
  merges: "indices.merges.total",
  merge_ms: "indices.merges.total_time_in_millis",
  merged_docs: "indices.merges.total_docs",
  flushes: "indices.flush.total",
  flush_ms: "indices.flush.total_time_in_millis",
  queries: "indices.search.query_total",
  query_ms: "indices.search.query_time_in_millis",
  fetches: "indices.search.fetch_total",
  fetch_ms: "indices.search.fetch_time_in_millis",
  gets: "indices.get.total",
  get_ms: "indices.get.time_in_millis",
  bulk_requests: "thread_pool.write.completed",
  search_tasks: "thread_pool.search.completed",
  get_tasks: "thread_pool.get.completed",
  young_gc_ms: "jvm.gc.collectors.young.collection_time_in_millis",
  old_gc_ms: "jvm.gc.collectors.old.collection_time_in_millis",
} as const;

export async function nodeCounters(es: ElasticsearchClient): Promise<NodeCounters> {
  const response = (await es.nodes.stats({ metric: ["indices", "thread_pool", "jvm"] })) as unknown as { nodes: Record<string, unknown> };
  const node = Object.values(response.nodes)[0];
  const counters: Record<string, number> = {};
  for (const [name, path] of Object.entries(STATS_PATHS)) counters[name] = Number(valueAt(node, path) ?? 0);
  return counters;
}

/** `after - before`, per counter. */
export function counterDelta(before: NodeCounters, after: NodeCounters): Record<string, number> {
  return Object.fromEntries(Object.keys(after).map((name) => [name, after[name]! - (before[name] ?? 0)]));
}

/** Merges running on the node right now. */
export async function mergesRunning(es: ElasticsearchClient): Promise<number> {
  const response = (await es.nodes.stats({ metric: ["indices"], index_metric: ["merge"] })) as unknown as { nodes: Record<string, unknown> };
  return Number(valueAt(Object.values(response.nodes)[0], "indices.merges.current") ?? 0);
}

/**
 * Waits until no merge has run for `quietPolls` polls in a row (every `pollMs`, bounded by
 * `timeoutMs`): the writes' merges are done. The refresh interval passes first, so the last
 * refresh (which may start merges) is inside the window. Returns the time waited.
 */
export async function settle(es: ElasticsearchClient, { refreshMs = 1_000, pollMs = 250, quietPolls = 4, timeoutMs = 60_000 } = {}): Promise<number> {
  const started = performance.now();
  await new Promise((resolve) => setTimeout(resolve, refreshMs + 200));
  let quiet = 0;
  while (quiet < quietPolls && performance.now() - started < timeoutMs) {
    quiet = (await mergesRunning(es)) === 0 ? quiet + 1 : 0;
    if (quiet < quietPolls) await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  return Math.round(performance.now() - started);
}

/** The node's busiest threads over `interval` (text, as Elasticsearch prints it). */
export async function hotThreads(es: ElasticsearchClient, threads = 8, interval = "1s"): Promise<string> {
  return String(await es.nodes.hotThreads({ threads, interval, ignore_idle_threads: true }));
}

function valueAt(root: unknown, path: string): unknown {
  let value = root;
  for (const key of path.split(".")) value = typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined;
  return value;
}
