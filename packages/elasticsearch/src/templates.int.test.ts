import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { bulkItemResult, classifyBulkItem } from "./bulk-outcome.ts";
import { createElasticsearchClient, waitForElasticsearch } from "./client.ts";
import { deleteIndices, IndexMappingError } from "./index-aliases.ts";
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
  await deleteIndices(client, Object.values(names));
  await client.indices.deleteIndexTemplate({ name: Object.values(names).map((n) => `periskope-pipeline-${n}`) });
  await client.close();
});

describe("installTemplates against real Elasticsearch", () => {
  it("creates every index with its mapping, twice without error", async () => {
    await waitForElasticsearch(client, 30_000);
    await installTemplates(client, names);
    await installTemplates(client, names);
    const mapping = await client.indices.getMapping({ index: names.chatNames });
    const props = mapping[`${names.chatNames}-000001`]?.mappings.properties ?? {};
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
    expect(mapping[`${names.messages}-000001`]?.mappings.properties?.brand_new_upstream_field).toBeUndefined();
  });

  it("uses every index through an alias of its configured name over <name>-000001", async () => {
    const prepared = await installTemplates(client, names);
    expect(prepared.map((p) => p.kind)).toEqual(["alias", "alias", "alias", "alias"]);
    for (const name of Object.values(names)) {
      const aliases = await client.indices.getAlias({ name });
      expect(aliases).toEqual({ [`${name}-000001`]: { aliases: { [name]: { is_write_index: true } } } });
    }
  });
});

describe("installTemplates against indices it did not create", () => {
  const legacy: IndexNames = { messages: `${prefix}-old-messages`, chatNames: `${prefix}-old-chat-names`, events: `${prefix}-old-events`, commands: `${prefix}-old-commands` };

  afterAll(async () => {
    await deleteIndices(client, Object.values(legacy));
    await client.indices.deleteIndexTemplate({ name: Object.values(legacy).map((n) => `periskope-pipeline-${n}`) }, { ignore: [404] });
  });

  it("stops on a dynamically mapped index, naming the index, the field, both types and the fix", async () => {
    // What the single-service version left: documents indexed with no template at all.
    await client.index({ index: legacy.messages, id: "m1", document: { message_id: "m1", chat_id: "c@c.us", body: "hi" }, refresh: true });
    const error = await installTemplates(client, legacy).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IndexMappingError);
    const message = (error as Error).message;
    expect(message).toContain(`index ${legacy.messages}: field chat_id is text, must be keyword`);
    expect(message).toContain(`index ${legacy.messages}: field message_id is text, must be keyword`);
    expect(message).toContain(`npm run ops -- migrate-index ${legacy.messages} ${legacy.messages}-000001`);
    expect(message).toContain("concrete index");
  });

  it("keeps a compatible concrete index, adding the template's fields it lacks", async () => {
    await client.indices.delete({ index: legacy.messages });
    // The original service's cache mapping: compatible, but without chat_type, source, ...
    await client.indices.create({ index: legacy.chatNames, mappings: { dynamic: true, properties: { chat_id: { type: "keyword" }, chat_name: { type: "text" }, "@timestamp": { type: "date" }, updated_at: { type: "date" } } } }, { ignore: [400] });
    const prepared = await installTemplates(client, legacy);
    const chatNames = prepared.find((p) => p.name === legacy.chatNames);
    expect(chatNames).toMatchObject({ kind: "index", indices: [legacy.chatNames] });
    expect(chatNames?.added).toEqual(expect.arrayContaining(["chat_type", "source", "chat_name.keyword"]));
    const mapping = await client.indices.getMapping({ index: legacy.chatNames });
    expect(mapping[legacy.chatNames]?.mappings.properties?.source?.type).toBe("keyword");
  });
});
