/** Polling helpers with a bound: a test waits for a state, never for a fixed time. */
import type { ElasticsearchClient } from "@periskope-pipeline/elasticsearch";

export async function waitFor<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 60_000, intervalMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ""}`);
}

export async function countDocuments(es: ElasticsearchClient, index: string, query?: object): Promise<number> {
  await es.indices.refresh({ index });
  const { count } = await es.count({ index, ...(query ? { query } : {}) });
  return count;
}

export async function waitForCount(es: ElasticsearchClient, index: string, expected: number, timeoutMs = 60_000, query?: object): Promise<number> {
  let seen = -1;
  try {
    return await waitFor(`${expected} documents in ${index}`, async () => {
      seen = await countDocuments(es, index, query);
      return seen >= expected ? seen : undefined;
    }, timeoutMs);
  } catch (error) {
    throw new Error(`${(error as Error).message} (last count ${seen})`);
  }
}

/** Every document of an index, by `_id` (tests hold at most a few thousand). */
export async function allDocuments<T>(es: ElasticsearchClient, index: string): Promise<Map<string, T & { _version?: number }>> {
  await es.indices.refresh({ index });
  const docs = new Map<string, T & { _version?: number }>();
  // A point in time keeps the pages of one consistent view: `_doc` order alone shifts when a merge or
  // a restart's recovery opens a new reader between two pages, and documents are skipped.
  const pit = (await es.openPointInTime({ index, keep_alive: "1m" })).id;
  try {
    let searchAfter: unknown[] | undefined;
    for (;;) {
      const page = await es.search<T>({ pit: { id: pit, keep_alive: "1m" }, size: 2_000, sort: [{ _shard_doc: "asc" }] as never, version: true, ...(searchAfter ? { search_after: searchAfter as never } : {}) });
      for (const hit of page.hits.hits) docs.set(hit._id!, { ...(hit._source as T), _version: hit._version });
      if (page.hits.hits.length < 2_000) break;
      searchAfter = page.hits.hits[page.hits.hits.length - 1]?.sort;
    }
  } finally {
    await es.closePointInTime({ id: pit }).catch(() => undefined);
  }
  return docs;
}
