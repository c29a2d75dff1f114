/**
 * Copies an index into a new one built from its template, then points the old name at it (design
 * §4; `npm run ops -- migrate-index <from> <to>`). Core APIs only (design §8: the test distribution
 * has no `_reindex` module): a point in time over the source, read with `search_after` in
 * `_shard_doc` order, written with bulk requests.
 *
 * - Versions are kept: each document is written with its source `_version` as an `external_gte`
 *   version, so the messages' event-time order survives the copy, and copying a document twice
 *   (a resumed or repeated run) changes nothing.
 * - Resumable: after every page the target's mapping `_meta.migration` records the point in time
 *   and the sort values reached; running the same command again goes on from there (or, if the
 *   point in time expired meanwhile, copies again from the start, harmlessly).
 * - Counts are checked before the name moves. A concrete source (the single-service version's
 *   `whatsapp_chat_names`, say) is deleted and its name becomes an alias of the target in one
 *   atomic alias request; an alias is moved to the target, then whatever was written to the old
 *   index during the copy is copied again, and the old index is left for the operator to delete.
 */
import type { Client } from "@elastic/elasticsearch";
import { bulkItemResult, classifyBulkItem } from "./bulk-outcome.ts";
import { indexState, type TemplateMappings } from "./index-aliases.ts";

export interface MigrateProgress {
  readonly phase: "copy" | "catch-up";
  readonly copied: number;
  /** Documents in the point in time being copied. */
  readonly total: number;
}

export interface MigrateIndexOptions {
  readonly from: string;
  readonly to: string;
  readonly template: TemplateMappings;
  readonly pageSize?: number;
  readonly onProgress?: (progress: MigrateProgress) => void;
  /** Stops after the page in flight; the checkpoint lets the same command resume. */
  readonly signal?: AbortSignal;
}

export interface MigrateIndexResult {
  readonly from: string;
  readonly to: string;
  readonly copied: number;
  /** Alias migrations: documents read again from the old index after the move (writes during the copy). */
  readonly caughtUp: number;
  readonly sourceCount: number;
  readonly targetCount: number;
  readonly resumed: boolean;
  /** Concrete indices that held the old name's documents and are left in place (alias migrations). */
  readonly leftBehind: readonly string[];
}

export class MigrateIndexError extends Error {
  override readonly name = "MigrateIndexError";
}

interface Checkpoint {
  from: string;
  pit_id?: string;
  search_after?: unknown[];
  copied: number;
  total: number;
  done?: boolean;
}

const PIT_KEEP_ALIVE = "30m";
const BULK_RETRIES = 5;

export async function migrateIndex(client: Client, options: MigrateIndexOptions): Promise<MigrateIndexResult> {
  const { from, to } = options;
  if (from === to) throw new MigrateIndexError(`source and target are both ${from}`);
  const source = await indexState(client, from);
  const target = await indexState(client, to);
  if (target.kind === "alias") throw new MigrateIndexError(`${to} is an alias; name a new index as the target`);

  // Interrupted after the switch: the name already points at the target.
  if (source.kind === "alias" && source.indices.length === 1 && source.indices[0] === to) {
    const count = await countOf(client, to);
    return { from, to, copied: 0, caughtUp: 0, sourceCount: count, targetCount: count, resumed: true, leftBehind: [] };
  }
  if (source.kind === "absent") throw new MigrateIndexError(`${from} does not exist`);
  const sourceIndices = source.kind === "alias" ? source.indices : [from];
  if (sourceIndices.includes(to)) throw new MigrateIndexError(`${to} is already behind ${from}; name a new index as the target`);

  let checkpoint: Checkpoint | undefined;
  if (target.kind === "index") {
    checkpoint = await readCheckpoint(client, to);
    if (!checkpoint || checkpoint.from !== from) throw new MigrateIndexError(`${to} exists and is not a migration of ${from}: name a new index as the target`);
  } else {
    const { settings, mappings } = options.template;
    await client.indices.create({ index: to, ...(settings ? { settings } : {}), mappings: { ...mappings, _meta: { migration: { from, copied: 0, total: 0 } } } as never, wait_for_active_shards: 1 });
  }
  const resumed = checkpoint !== undefined;

  if (!checkpoint?.done) {
    checkpoint = await copyAll(client, { ...options, from }, checkpoint, "copy");
    if (options.signal?.aborted) throw new MigrateIndexError(`interrupted after ${checkpoint.copied} of ${checkpoint.total} documents; run the same command again to go on`);
  }
  await client.indices.refresh({ index: [...sourceIndices, to] });
  const sourceCount = await countOf(client, sourceIndices);
  let targetCount = await countOf(client, to);

  if (source.kind === "index") {
    if (targetCount !== sourceCount) throw new MigrateIndexError(`${to} holds ${targetCount} documents, ${from} ${sourceCount}: nothing was switched; run the same command again (it copies what is missing)`);
    // One atomic request: the concrete index goes and its name becomes the target's alias.
    await client.indices.updateAliases({ actions: [{ remove_index: { index: from } }, { add: { index: to, alias: from, is_write_index: true } }] });
    await writeCheckpoint(client, to, { ...checkpoint, done: true });
    return { from, to, copied: checkpoint.copied, caughtUp: 0, sourceCount, targetCount, resumed, leftBehind: [] };
  }

  if (targetCount < sourceCount) throw new MigrateIndexError(`${to} holds ${targetCount} documents, ${from} ${sourceCount}: the alias was not moved; run the same command again (it copies what is missing)`);
  await client.indices.updateAliases({
    actions: [{ remove: { indices: sourceIndices, alias: from } }, { add: { index: to, alias: from, is_write_index: true } }],
  });
  // Writes that reached the old index between the point in time and the move are copied now; the
  // kept versions make every document already there (or written since) win over its older copy.
  const caughtUp = await copyAll(client, { ...options, from: sourceIndices.join(",") }, undefined, "catch-up");
  await client.indices.refresh({ index: to });
  targetCount = await countOf(client, to);
  await writeCheckpoint(client, to, { ...checkpoint, done: true });
  return { from, to, copied: checkpoint.copied, caughtUp: caughtUp.copied, sourceCount, targetCount, resumed, leftBehind: sourceIndices };
}

async function copyAll(client: Client, options: MigrateIndexOptions, resume: Checkpoint | undefined, phase: MigrateProgress["phase"]): Promise<Checkpoint> {
  const { from, to, pageSize = 1_000 } = options;
  let checkpoint: Checkpoint = resume?.pit_id && resume.search_after ? resume : { from, copied: 0, total: 0 };
  let pitId = checkpoint.pit_id ?? (await client.openPointInTime({ index: from, keep_alive: PIT_KEEP_ALIVE })).id;
  let searchAfter = checkpoint.search_after;
  for (;;) {
    if (options.signal?.aborted) return checkpoint;
    let page;
    try {
      page = await client.search<Record<string, unknown>>({
        pit: { id: pitId, keep_alive: PIT_KEEP_ALIVE },
        size: pageSize,
        sort: [{ _shard_doc: "asc" }],
        version: true,
        track_total_hits: searchAfter === undefined,
        ...(searchAfter ? { search_after: searchAfter as never } : {}),
      });
    } catch (error) {
      if (!resume || !isExpiredPit(error)) throw error;
      // The checkpoint's point in time expired: copy again from the start (kept versions make it harmless).
      resume = undefined;
      pitId = (await client.openPointInTime({ index: from, keep_alive: PIT_KEEP_ALIVE })).id;
      searchAfter = undefined;
      checkpoint = { from: checkpoint.from, copied: 0, total: 0 };
      continue;
    }
    pitId = page.pit_id ?? pitId;
    const hits = page.hits.hits;
    if (searchAfter === undefined) checkpoint.total = typeof page.hits.total === "number" ? page.hits.total : (page.hits.total?.value ?? 0);
    if (hits.length === 0) break;
    await copyPage(client, to, hits);
    searchAfter = hits[hits.length - 1]?.sort;
    checkpoint = { ...checkpoint, pit_id: pitId, search_after: searchAfter as unknown[], copied: checkpoint.copied + hits.length };
    if (phase === "copy") await writeCheckpoint(client, to, checkpoint);
    options.onProgress?.({ phase, copied: checkpoint.copied, total: checkpoint.total });
  }
  await client.closePointInTime({ id: pitId }).catch(() => undefined);
  return checkpoint;
}

async function copyPage(client: Client, to: string, hits: ReadonlyArray<{ _id?: string; _version?: number; _source?: Record<string, unknown> }>): Promise<void> {
  let pending = [...hits];
  for (let attempt = 1; pending.length > 0; attempt++) {
    const response = await client.bulk({
      operations: pending.flatMap((hit) => [{ index: { _index: to, _id: hit._id, version: hit._version ?? 1, version_type: "external_gte" } }, hit._source ?? {}]),
    });
    const retry: typeof pending = [];
    const rejected: string[] = [];
    response.items.forEach((item, i) => {
      const outcome = classifyBulkItem(bulkItemResult(item));
      if (outcome.kind === "retryable") retry.push(pending[i]!);
      else if (outcome.kind === "rejected") rejected.push(`${pending[i]?._id}: ${outcome.errorType}: ${outcome.reason}`);
    });
    if (rejected.length > 0) throw new MigrateIndexError(`${to} refused ${rejected.length} document(s) (first: ${rejected[0]}); fix them in the source or the template, then run the same command again`);
    if (retry.length > 0 && attempt >= BULK_RETRIES) throw new MigrateIndexError(`${to} kept refusing ${retry.length} document(s) as overloaded; run the same command again to go on`);
    pending = retry;
    if (pending.length > 0) await new Promise((r) => setTimeout(r, 200 * 2 ** attempt));
  }
}

async function readCheckpoint(client: Client, index: string): Promise<Checkpoint | undefined> {
  const mapping = await client.indices.getMapping({ index });
  const meta = (mapping[index]?.mappings._meta as { migration?: Checkpoint } | undefined)?.migration;
  return meta && typeof meta.from === "string" ? meta : undefined;
}

function writeCheckpoint(client: Client, index: string, checkpoint: Checkpoint): Promise<unknown> {
  return client.indices.putMapping({ index, _meta: { migration: checkpoint } });
}

async function countOf(client: Client, index: string | string[]): Promise<number> {
  return (await client.count({ index })).count;
}

function isExpiredPit(error: unknown): boolean {
  const body = (error as { meta?: { statusCode?: number }; body?: { error?: { type?: string; root_cause?: Array<{ type?: string }> } } });
  const types = [body.body?.error?.type, ...(body.body?.error?.root_cause ?? []).map((c) => c.type)];
  return body.meta?.statusCode === 404 || types.includes("search_context_missing_exception");
}
