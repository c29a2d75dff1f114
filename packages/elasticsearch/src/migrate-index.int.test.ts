import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { createElasticsearchClient } from "./client.ts";
import { deleteIndices, indexState } from "./index-aliases.ts";
import { MigrateIndexError, migrateIndex } from "./migrate-index.ts";
import { readTemplate } from "./templates.ts";

const client = createElasticsearchClient({ url: process.env.ELASTICSEARCH_URL ?? "http://127.0.0.1:9200" });
const prefix = `mig-${randomUUID().slice(0, 8)}`;
const created: string[] = [];
const template = readTemplate("messages").template;

afterAll(async () => {
  await deleteIndices(client, created);
  await client.close();
});

/** A concrete index as the single-service version left it: dynamic mapping, external versions. */
async function legacyIndex(name: string, docs: number): Promise<void> {
  created.push(name);
  const operations = Array.from({ length: docs }, (_, i) => [
    { index: { _index: name, _id: `m${i}`, version: 1_700_000_000_000 + i, version_type: "external_gte" } },
    { message_id: `m${i}`, chat_id: `chat-${i % 7}@c.us`, body: `hello ${i}`, timestamp: "2025-06-18 14:05:00+00" },
  ]).flat();
  const response = await client.bulk({ operations, refresh: true });
  expect(response.errors).toBe(false);
}

describe("migrateIndex", () => {
  it("copies a dynamically mapped concrete index into one built from the template and gives its name to the copy", async () => {
    const from = `${prefix}-a`;
    const to = `${from}-000001`;
    await legacyIndex(from, 2_500);
    created.push(to);
    const pages: number[] = [];

    const result = await migrateIndex(client, { from, to, template, pageSize: 1_000, onProgress: (p) => pages.push(p.copied) });

    expect(result).toMatchObject({ copied: 2_500, sourceCount: 2_500, targetCount: 2_500, resumed: false, leftBehind: [] });
    expect(pages).toEqual([1_000, 2_000, 2_500]);
    expect(await indexState(client, from)).toEqual({ kind: "alias", indices: [to] });
    const mapping = await client.indices.getMapping({ index: from });
    expect(mapping[to]?.mappings.properties?.chat_id?.type).toBe("keyword");
    // Read and written through the old name; each document keeps its version (event-time order).
    const doc = await client.get({ index: from, id: "m42" });
    expect(doc._version).toBe(1_700_000_000_042);
    const older = await client.bulk({ operations: [{ index: { _index: from, _id: "m42", version: 1_600_000_000_000, version_type: "external_gte" } }, { body: "stale" }] });
    expect(older.items[0]?.index?.status).toBe(409);
    const agg = await client.search({ index: from, size: 0, aggs: { chats: { terms: { field: "chat_id" } } } });
    expect((agg.aggregations?.chats as { buckets: unknown[] }).buckets).toHaveLength(7);
  });

  it("resumes an interrupted copy from its checkpoint", async () => {
    const from = `${prefix}-b`;
    const to = `${from}-000001`;
    await legacyIndex(from, 2_500);
    created.push(to);
    const stop = new AbortController();

    const interrupted = await migrateIndex(client, { from, to, template, pageSize: 1_000, signal: stop.signal, onProgress: () => stop.abort() }).catch((e: unknown) => e);
    expect(interrupted).toBeInstanceOf(MigrateIndexError);
    expect((interrupted as Error).message).toContain("run the same command again");
    expect(await indexState(client, from)).toEqual({ kind: "index" });

    const copied: number[] = [];
    const result = await migrateIndex(client, { from, to, template, pageSize: 1_000, onProgress: (p) => copied.push(p.copied) });
    expect(result).toMatchObject({ resumed: true, sourceCount: 2_500, targetCount: 2_500 });
    // Went on after the first page instead of starting over.
    expect(copied).toEqual([2_000, 2_500]);
    expect(await indexState(client, from)).toEqual({ kind: "alias", indices: [to] });
  });

  it("moves an alias to a new generation and leaves the old index for the operator", async () => {
    const name = `${prefix}-c`;
    const first = `${name}-000001`;
    const second = `${name}-000002`;
    created.push(first, second);
    await client.indices.create({ index: first, aliases: { [name]: { is_write_index: true } }, mappings: template.mappings as never });
    await client.bulk({ refresh: true, operations: [{ index: { _index: name, _id: "x" } }, { message_id: "x", chat_id: "c@c.us" }] });

    const result = await migrateIndex(client, { from: name, to: second, template });

    expect(result).toMatchObject({ copied: 1, caughtUp: 1, sourceCount: 1, targetCount: 1, leftBehind: [first] });
    expect(await indexState(client, name)).toEqual({ kind: "alias", indices: [second] });
    await client.index({ index: name, id: "y", document: { message_id: "y" }, refresh: true });
    expect((await client.count({ index: second })).count).toBe(2);
  });
});
