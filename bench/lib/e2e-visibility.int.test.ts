import { randomUUID } from "node:crypto";
import { createElasticsearchClient, waitForElasticsearch } from "@periskope-pipeline/elasticsearch";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { counterDelta, nodeCounters, settle } from "./e2e-es-stats.ts";
import { VisibilityTracker } from "./e2e-visibility.ts";

const es = createElasticsearchClient({ url: process.env.ELASTICSEARCH_URL ?? "http://127.0.0.1:9200" });
const index = `e2e-visibility-${randomUUID().slice(0, 8)}`;

beforeAll(async () => {
  await waitForElasticsearch(es, 30_000);
  await es.indices.create({ index, settings: { "index.refresh_interval": "1s" }, mappings: { properties: { received_at: { type: "date" } } } });
});

afterAll(async () => {
  await es.indices.delete({ index, ignore_unavailable: true });
  await es.close();
});

describe("the e2e bench's time-to-searchable poll", () => {
  it("times each sampled document from its receive time, and replays exactly the queries it sent", async () => {
    const tracker = new VisibilityTracker(es, index, 50);
    tracker.add("seen");
    tracker.add("never-written");
    tracker.start();
    await es.index({ index, id: "seen", document: { received_at: new Date().toISOString() } });
    await es.index({ index, id: "other", document: { received_at: new Date().toISOString() } });
    const stats = await tracker.finish(3_000);
    expect(stats).toMatchObject({ samples: 2, seen: 1 });
    expect(stats.p99_ms).toBeGreaterThanOrEqual(0);
    expect(stats.queries).toBeGreaterThan(0);
    // Both ids in every query until `seen` was found, then only the one never written.
    expect(stats.ids_queried).toBeGreaterThan(stats.queries);

    const before = await nodeCounters(es);
    expect(await tracker.replay()).toBe(stats.queries);
    const delta = counterDelta(before, await nodeCounters(es));
    // One query per recorded tick (other tests may search meanwhile), and one fetch of the hit.
    expect(delta.queries).toBeGreaterThanOrEqual(stats.queries);
    expect(delta.fetches).toBeGreaterThanOrEqual(1);
  });

  it("settles once no merge runs, within its bound", async () => {
    const waited = await settle(es, { refreshMs: 100, pollMs: 50, quietPolls: 2, timeoutMs: 30_000 });
    expect(waited).toBeGreaterThanOrEqual(100);
    expect(waited).toBeLessThan(60_000);
  });
});
