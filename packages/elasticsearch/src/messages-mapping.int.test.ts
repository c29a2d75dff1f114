import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createElasticsearchClient, waitForElasticsearch } from "./client.ts";
import { installTemplates, scopedIndexNames } from "./templates.ts";
import { deleteIndices } from "./index-aliases.ts";

const client = createElasticsearchClient({ url: process.env.ELASTICSEARCH_URL ?? "http://127.0.0.1:9200" });
const names = scopedIndexNames(`mm-${randomUUID().slice(0, 8)}`);
/** Unique per message or filtered on by nothing: doc values only, no inverted-index entry or points. */
const DOC_VALUES_ONLY = ["message_id", "unique_id", "event_id", "event_time", "received_at", "indexed_at"];

/**
 * What design §4 promises to find messages by (ids keyword, `body` text, times date, the chat's
 * name, its status, the event type) and what the worker itself searches (name fills, backfill):
 * m1 holds each field's first value, m2 the second, and each query must find m1 and only m1.
 */
const AT = "2026-01-02T00:00:00.000Z";
const SEARCHABLE: ReadonlyArray<{ readonly field: string; readonly values: readonly [unknown, unknown]; readonly query: Record<string, unknown> }> = [
  { field: "message_id", values: ["m1", "m2"], query: { term: { message_id: "m1" } } },
  { field: "chat_id", values: ["c1@g.us", "c@g.us"], query: { term: { chat_id: "c1@g.us" } } },
  { field: "org_id", values: ["org-1", "org-2"], query: { term: { org_id: "org-1" } } },
  { field: "org_phone", values: ["447700900001@c.us", "447700900002@c.us"], query: { term: { org_phone: "447700900001@c.us" } } },
  { field: "sender_phone", values: ["447700900101", "447700900102"], query: { term: { sender_phone: "447700900101" } } },
  { field: "author", values: ["447700900101@c.us", "447700900102@c.us"], query: { term: { author: "447700900101@c.us" } } },
  { field: "from", values: ["447700900101@c.us", "447700900102@c.us"], query: { term: { from: "447700900101@c.us" } } },
  { field: "to", values: ["c1@g.us", "c@g.us"], query: { term: { to: "c1@g.us" } } },
  { field: "message_type", values: ["image", "chat"], query: { term: { message_type: "image" } } },
  { field: "body", values: ["Reminder: the overdue invoice is attached", "invoices overdue? no, see you at lunch"], query: { match: { body: "invoice" } } },
  { field: "body", values: ["Reminder: the overdue invoice is attached", "invoices overdue? no, see you at lunch"], query: { match_phrase: { body: "overdue invoice" } } },
  { field: "chat_name", values: ["Shipping Ops", "Logistics Desk"], query: { match: { chat_name: "shipping" } } },
  { field: "chat_name", values: ["Shipping Ops", "Logistics Desk"], query: { term: { "chat_name.keyword": "Shipping Ops" } } },
  { field: "chat_name_status", values: ["unresolved", "resolved"], query: { term: { chat_name_status: "unresolved" } } },
  { field: "event_type", values: ["message.updated", "message.created"], query: { term: { event_type: "message.updated" } } },
  { field: "is_deleted", values: [true, false], query: { term: { is_deleted: true } } },
  { field: "@timestamp", values: [AT, "2026-01-01T00:00:00.000Z"], query: { range: { "@timestamp": { gte: AT } } } },
  { field: "received_at", values: [AT, "2026-01-01T00:00:00.000Z"], query: { range: { received_at: { gte: AT } } } },
  { field: "indexed_at", values: [AT, "2026-01-01T00:00:00.000Z"], query: { range: { indexed_at: { gte: AT } } } },
];

/** Message m1 (`which` 0) or m2 (1), from SEARCHABLE's values. */
function message(which: 0 | 1): Record<string, unknown> {
  const id = `m${which + 1}`;
  const fields = Object.fromEntries(SEARCHABLE.map(({ field, values }) => [field, values[which]]));
  return { ...fields, unique_id: `u-${id}`, event_id: `e-${id}`, event_time: "2026-01-01T00:00:00.000Z" };
}

beforeAll(async () => {
  await waitForElasticsearch(client, 30_000);
  await installTemplates(client, names);
  await client.bulk({
    refresh: "wait_for",
    operations: ([1, 0] as const).flatMap((which) => [{ index: { _index: names.messages, _id: `m${which + 1}`, version: 10, version_type: "external_gte" } }, message(which)]),
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

  it("finds a message by every field the design says is searchable", async () => {
    for (const { field, query } of SEARCHABLE) {
      const found = await client.search({ index: names.messages, query, _source: false });
      expect({ field, ids: found.hits.hits.map((h) => h._id) }).toEqual({ field, ids: ["m1"] });
    }
  });
});
