import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { bulkItemResult, classifyBulkItem } from "./bulk-outcome.ts";
import { createElasticsearchClient, waitForElasticsearch } from "./client.ts";
import { installTemplates, type IndexNames } from "./templates.ts";

const client = createElasticsearchClient({ url: process.env.ELASTICSEARCH_URL ?? "http://127.0.0.1:9200" });
const prefix = `t-${randomUUID().slice(0, 8)}`;
const names: IndexNames = {
  messages: `${prefix}-messages`,
  chatNames: `${prefix}-chat-names`,
  events: `${prefix}-events`,
  commands: `${prefix}-commands`,
};

afterAll(async () => {
  // Clusters refuse wildcard deletes by default (action.destructive_requires_name): name each one.
  await client.indices.delete({ index: Object.values(names), ignore_unavailable: true });
  await client.indices.deleteIndexTemplate({ name: Object.values(names).map((n) => `periskope-pipeline-${n}`) });
  await client.close();
});

describe("installTemplates against real Elasticsearch", () => {
  it("creates every index with its mapping, twice without error", async () => {
    await waitForElasticsearch(client, 30_000);
    await installTemplates(client, names);
    await installTemplates(client, names);
    const mapping = await client.indices.getMapping({ index: names.chatNames });
    const props = mapping[names.chatNames]?.mappings.properties ?? {};
    expect(props.chat_id?.type).toBe("keyword");
    expect(props.chat_name?.type).toBe("text");
    expect(props["@timestamp"]?.type).toBe("date");
    expect(props.updated_at?.type).toBe("date");
  });

  it("keeps unknown message fields out of the mapping and refuses mapping-breaking values", async () => {
    await installTemplates(client, names);
    const response = await client.bulk({
      refresh: "wait_for",
      operations: [
        { index: { _index: names.messages, _id: "m1", version: 10, version_type: "external_gte" } },
        { message_id: "m1", chat_id: "c@c.us", body: "hi", brand_new_upstream_field: { deep: [1, 2] } },
        { index: { _index: names.messages, _id: "m2", version: 10, version_type: "external_gte" } },
        { message_id: "m2", from_me: "maybe" },
        { index: { _index: names.messages, _id: "m1", version: 9, version_type: "external_gte" } },
        { message_id: "m1", body: "older" },
      ],
    });
    const outcomes = response.items.map((item) => classifyBulkItem(bulkItemResult(item)).kind);
    expect(outcomes).toEqual(["ok", "rejected", "superseded"]);
    const doc = await client.get<{ body: string }>({ index: names.messages, id: "m1" });
    expect(doc._source?.body).toBe("hi");
    const mapping = await client.indices.getMapping({ index: names.messages });
    expect(mapping[names.messages]?.mappings.properties?.brand_new_upstream_field).toBeUndefined();
  });
});
