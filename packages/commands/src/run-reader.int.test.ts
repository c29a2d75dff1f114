import { randomUUID } from "node:crypto";
import { createElasticsearchClient } from "@periskope-pipeline/elasticsearch";
import { expect, it } from "vitest";
import { describeRunReaderConformance } from "./run-reader.conformance.ts";
import { ElasticsearchRunReader } from "./run-reader.ts";
import { waitForRun } from "./wait-for-run.ts";

const url = process.env.ELASTICSEARCH_URL;
if (!url) throw new Error("ELASTICSEARCH_URL is not set: run with the int project's global setup");

describeRunReaderConformance("Elasticsearch", async () => {
  const client = createElasticsearchClient({ url });
  const index = `commands-runs-${randomUUID().slice(0, 8)}`;
  return {
    reader: new ElasticsearchRunReader(client, index),
    write: async (run) => {
      await client.index({ index, id: run.command_id, document: run, refresh: true });
    },
    dispose: async () => {
      await client.indices.delete({ index }, { ignore: [404] });
      await client.close();
    },
  };
});

it("answers null (not an error) while the commands index does not exist yet", async () => {
  const client = createElasticsearchClient({ url });
  try {
    expect(await new ElasticsearchRunReader(client, `commands-missing-${randomUUID().slice(0, 8)}`).get("x")).toBeNull();
  } finally {
    await client.close();
  }
});

it("rejects when Elasticsearch cannot be reached", async () => {
  const client = createElasticsearchClient({ url: "http://127.0.0.1:1", requestTimeoutMs: 1_000, maxRetries: 0 });
  try {
    await expect(new ElasticsearchRunReader(client, "whatever").get("x")).rejects.toThrow();
  } finally {
    await client.close();
  }
});

it("waitForRun follows a joined run in Elasticsearch to the run it joined, and skips lease documents", async () => {
  const client = createElasticsearchClient({ url });
  const index = `commands-joined-${randomUUID().slice(0, 8)}`;
  const run = { type: "refresh-cache", args: {}, requested_at: new Date().toISOString() } as const;
  try {
    await client.index({ index, id: "lease:refresh-cache", document: { kind: "lease", holder: "w1" }, refresh: true });
    await client.index({ index, id: "second", document: { ...run, kind: "run", command_id: "second", status: "joined", joined_command_id: "first" }, refresh: true });
    await client.index({ index, id: "first", document: { ...run, kind: "run", command_id: "first", status: "running" }, refresh: true });
    const reader = new ElasticsearchRunReader(client, index);
    expect(await reader.get("lease:refresh-cache")).toBeNull();
    const waiting = waitForRun(reader, "second", { timeoutMs: 30_000, pollMs: 100 });
    await client.index({ index, id: "first", document: { ...run, kind: "run", command_id: "first", status: "succeeded", stats: { total_chats: 4 } }, refresh: true });
    const result = await waiting;
    expect(result.ended && result.run).toMatchObject({ command_id: "first", status: "succeeded", stats: { total_chats: 4 } });
    expect((await reader.recent(10)).map((r) => r.command_id).sort()).toEqual(["first", "second"]);
  } finally {
    await client.indices.delete({ index }, { ignore: [404] });
    await client.close();
  }
});
