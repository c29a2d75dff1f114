import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createElasticsearchClient, waitForElasticsearch } from "./client.ts";
import { installTemplates, scopedIndexNames } from "./templates.ts";
import { deleteIndices } from "./index-aliases.ts";

const client = createElasticsearchClient({ url: process.env.ELASTICSEARCH_URL ?? "http://127.0.0.1:9200" });
const names = scopedIndexNames(`mm-${randomUUID().slice(0, 8)}`);
/** Unique per message or filtered on by nothing: doc values only, no inverted-index entry or points. */
const DOC_VALUES_ONLY = ["message_id", "unique_id", "event_id", "event_time", "received_at"];

beforeAll(async () => {
  await waitForElasticsearch(client, 30_000);
  await installTemplates(client, names);
  await client.bulk({
    refresh: "wait_for",
    operations: ["m2", "m1"].flatMap((id, i) => [
      { index: { _index: names.messages, _id: id, version: 10, version_type: "external_gte" } },
      { message_id: id, unique_id: `u-${id}`, event_id: `e-${id}`, chat_id: "c@g.us", received_at: `2026-01-0${i + 1}T00:00:00.000Z`, event_time: "2026-01-01T00:00:00.000Z" },
    ]),
  });
});

afterAll(async () => {
  await deleteIndices(client, Object.values(names));
  await client.indices.deleteIndexTemplate({ name: Object.values(names).map((n) => `periskope-pipeline-${n}`) });
  await client.close();
});

describe("the messages mapping", () => {
  it("indexes each message's id once (_id): the per-message ids and unfiltered times keep doc values only", async () => {
    // The configured name is an alias: the answer is keyed by the index behind it.
    const mapping = await client.indices.getMapping({ index: names.messages });
    const props = Object.values(mapping)[0]?.mappings.properties as Record<string, { index?: boolean; doc_values?: boolean }>;
    for (const field of DOC_VALUES_ONLY) expect({ field, index: props[field]?.index, docValues: props[field]?.doc_values }).toEqual({ field, index: false, docValues: undefined });
  });

  it("still sorts and finds by those fields", async () => {
    const sorted = await client.search({ index: names.messages, sort: [{ chat_id: "asc" }, { message_id: "asc" }], _source: false });
    expect(sorted.hits.hits.map((h) => h._id)).toEqual(["m1", "m2"]);
    for (const query of [
      { term: { message_id: "m1" } },
      { term: { unique_id: "u-m1" } },
      { term: { event_id: "e-m1" } },
      { range: { received_at: { gte: "2026-01-02T00:00:00.000Z" } } },
    ]) {
      const found = await client.search({ index: names.messages, query, _source: false });
      expect({ query, ids: found.hits.hits.map((h) => h._id) }).toEqual({ query, ids: ["m1"] });
    }
  });
});
