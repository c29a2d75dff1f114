import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { bulkWrite } from "./bulk-write.ts";
import { createElasticsearchClient, waitForElasticsearch } from "./client.ts";
import { createElasticsearchPolicy } from "./resilience.ts";

const client = createElasticsearchClient({ url: process.env.ELASTICSEARCH_URL ?? "http://127.0.0.1:9200" });
const prefix = `t-bulk-${randomUUID().slice(0, 8)}`;
const healthy = `${prefix}-healthy`;
const unassigned = `${prefix}-unassigned`;

afterAll(async () => {
  await client.indices.delete({ index: [healthy, unassigned], ignore_unavailable: true });
  await client.close();
});

describe("bulkWrite against real Elasticsearch", () => {
  it("retries the item whose shard is unavailable, and reports superseded and rejected items once", async () => {
    await waitForElasticsearch(client, 30_000);
    await client.indices.create({ index: healthy, mappings: { properties: { from_me: { type: "boolean" } } } });
    await client.index({ index: healthy, id: "newer", version: 10, version_type: "external_gte", document: { from_me: true }, refresh: "wait_for" });
    // A primary that cannot be allocated: its items answer 503 unavailable_shards_exception.
    await client.indices.create({
      index: unassigned,
      settings: { number_of_replicas: 0, "index.routing.allocation.require._name": "no-such-node" },
      wait_for_active_shards: 0,
    });

    const policy = createElasticsearchPolicy(client, { retryBudgetMs: 60_000, breakerFailures: 100, probeIntervalMs: 5_000, baseDelayMs: 200, maxDelayMs: 1_000 });
    const retried: string[] = [];
    policy.onRetry(({ code }) => {
      retried.push(code);
      // Let the shard be allocated after the first refusal: the resent item then lands.
      if (retried.length === 1) void client.indices.putSettings({ index: unassigned, settings: { "index.routing.allocation.require._name": null } });
    });
    // Items wait for an unavailable primary up to the request's `timeout` (1 min by default).
    const es = { bulk: (request: Parameters<typeof client.bulk>[0]) => client.bulk({ ...request, timeout: "300ms" }) };
    const outcomes = await bulkWrite(
      es as never,
      [
        { action: { index: { _index: healthy, _id: "a" } }, document: { from_me: false } },
        { action: { index: { _index: unassigned, _id: "b" } }, document: { any: 1 } },
        { action: { index: { _index: healthy, _id: "newer", version: 5, version_type: "external_gte" } }, document: { from_me: false } },
        Buffer.from(`${JSON.stringify({ index: { _index: healthy, _id: "bad" } })}\n${JSON.stringify({ from_me: "maybe" })}\n`),
      ],
      { policy, refresh: "wait_for" },
    );
    expect(outcomes.map((o) => o.kind)).toEqual(["ok", "ok", "superseded", "rejected"]);
    expect(outcomes[3]).toMatchObject({ errorType: "document_parsing_exception" });
    expect(retried[0]).toBe("unavailable_shards_exception");
    expect((await client.get<{ any: number }>({ index: unassigned, id: "b" }))._source).toEqual({ any: 1 });
    expect((await client.get<{ from_me: boolean }>({ index: healthy, id: "newer" }))._source).toEqual({ from_me: true });
    policy.close();
  }, 90_000);
});
