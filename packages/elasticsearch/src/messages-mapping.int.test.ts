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
 * each query must find the one message that matches it, and only that one.
 */
const SEARCHABLE: ReadonlyArray<{ readonly field: string; readonly query: Record<string, unknown> }> = [
  { field: "message_id", query: { term: { message_id: "m1" } } },
  { field: "chat_id", query: { term: { chat_id: "c1@g.us" } } },
  { field: "org_id", query: { term: { org_id: "org-1" } } },
  { field: "org_phone", query: { term: { org_phone: "447700900001@c.us" } } },
  { field: "sender_phone", query: { term: { sender_phone: "447700900101" } } },
  { field: "author", query: { term: { author: "447700900101@c.us" } } },
  { field: "from", query: { term: { from: "447700900101@c.us" } } },
  { field: "to", query: { term: { to: "c1@g.us" } } },
  { field: "message_type", query: { term: { message_type: "image" } } },
  { field: "body", query: { match: { body: "invoice" } } },
  { field: "body (phrase)", query: { match_phrase: { body: "overdue invoice" } } },
  { field: "chat_name", query: { match: { chat_name: "shipping" } } },
  { field: "chat_name.keyword", query: { term: { "chat_name.keyword": "Shipping Ops" } } },
  { field: "chat_name_status", query: { term: { chat_name_status: "unresolved" } } },
  { field: "event_type", query: { term: { event_type: "message.updated" } } },
  { field: "@timestamp", query: { range: { "@timestamp": { gte: "2026-01-02T00:00:00.000Z" } } } },
  { field: "received_at", query: { range: { received_at: { gte: "2026-01-02T00:00:00.000Z" } } } },
  { field: "indexed_at", query: { range: { indexed_at: { gte: "2026-01-02T00:00:00.000Z" } } } },
  { field: "is_deleted", query: { term: { is_deleted: true } } },
];

beforeAll(async () => {
  await waitForElasticsearch(client, 30_000);
  await installTemplates(client, names);
  await client.bulk({
    refresh: "wait_for",
    operations: ["m2", "m1"].flatMap((id) => [
      { index: { _index: names.messages, _id: id, version: 10, version_type: "external_gte" } },
      id === "m1" ? matching(id) : other(id),
    ]),
  });
});

/** The message every query of SEARCHABLE finds. */
function matching(id: string) {
  const at = "2026-01-02T00:00:00.000Z";
  return {
    message_id: id,
    unique_id: `u-${id}`,
    event_id: `e-${id}`,
    chat_id: "c1@g.us",
    org_id: "org-1",
    org_phone: "447700900001@c.us",
    sender_phone: "447700900101",
    author: "447700900101@c.us",
    from: "447700900101@c.us",
    to: "c1@g.us",
    message_type: "image",
    body: "Reminder: the overdue invoice is attached",
    chat_name: "Shipping Ops",
    chat_name_status: "unresolved",
    event_type: "message.updated",
    is_deleted: true,
    "@timestamp": at,
    received_at: at,
    indexed_at: at,
    event_time: "2026-01-01T00:00:00.000Z",
  };
}

/** A message that differs from `matching` in every searched field. */
function other(id: string) {
  const at = "2026-01-01T00:00:00.000Z";
  return {
    message_id: id,
    unique_id: `u-${id}`,
    event_id: `e-${id}`,
    chat_id: "c@g.us",
    org_id: "org-2",
    org_phone: "447700900002@c.us",
    sender_phone: "447700900102",
    author: "447700900102@c.us",
    from: "447700900102@c.us",
    to: "c@g.us",
    message_type: "chat",
    body: "invoices overdue? no, see you at lunch",
    chat_name: "Logistics Desk",
    chat_name_status: "resolved",
    event_type: "message.created",
    is_deleted: false,
    "@timestamp": at,
    received_at: at,
    indexed_at: at,
    event_time: "2026-01-01T00:00:00.000Z",
  };
}

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
