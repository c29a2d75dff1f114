/**
 * Coming from the single-service version (issue 12): a cluster holding its dynamically mapped
 * messages index and its `whatsapp_chat_names` stops the worker at startup with the fix; the
 * `migrate-index` command applies it; the worker then starts, and indexes through the aliases into
 * the new indices, with every old document there. The original guide's monitoring calls keep
 * working on the old names.
 */
import { spawn } from "node:child_process";
import { deleteIndices, indexState } from "@periskope-pipeline/elasticsearch";
import { freePort } from "@periskope-pipeline/local-stack";
import { messageCreated } from "@periskope-pipeline/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { publishBodies } from "./support/publish.ts";
import { createTestStack, type TestStack } from "./support/test-stack.ts";
import { waitFor, waitForCount } from "./support/wait.ts";
import { REPO_ROOT, startNodeProcess, type ChildService } from "./support/worker-process.ts";

const OLD_MESSAGES = 1_500;
const OLD_CHATS = 30;

let stack: TestStack;
let worker: ChildService | undefined;
let esUrl: string;

beforeAll(async () => {
  stack = await createTestStack("legacy");
  esUrl = stack.env().ELASTICSEARCH_URL as string;
  // Replace the fresh aliases with what the single-service version left behind.
  await deleteIndices(stack.es, [stack.indices.messages, stack.indices.chatNames]);
  await stack.es.indices.deleteIndexTemplate({ name: [stack.indices.messages, stack.indices.chatNames].map((n) => `periskope-pipeline-${n}`) });
  const messages = Array.from({ length: OLD_MESSAGES }, (_, i) => [
    { index: { _index: stack.indices.messages, _id: `old-${i}` } },
    { message_id: `old-${i}`, chat_id: `4477009${String(i % OLD_CHATS).padStart(5, "0")}@c.us`, chat_name: `Chat ${i % OLD_CHATS}`, body: `old message ${i}`, timestamp: "2025-06-18 14:05:00+00" },
  ]).flat();
  const chats = Array.from({ length: OLD_CHATS }, (_, i) => [
    { index: { _index: stack.indices.chatNames, _id: `4477009${String(i).padStart(5, "0")}@c.us` } },
    { chat_id: `4477009${String(i).padStart(5, "0")}@c.us`, chat_name: `Chat ${i}`, "@timestamp": "2025-06-18T14:05:00Z", updated_at: "2025-06-18T14:05:00Z" },
  ]).flat();
  // The original service's cache mapping; its messages index mapped by Elasticsearch on the fly.
  await stack.es.indices.create({ index: stack.indices.chatNames, mappings: { properties: { chat_id: { type: "keyword" }, chat_name: { type: "text" }, "@timestamp": { type: "date" }, updated_at: { type: "date" } } } });
  const response = await stack.es.bulk({ operations: [...messages, ...chats], refresh: true });
  expect(response.errors).toBe(false);
}, 120_000);

afterAll(async () => {
  worker?.kill("SIGTERM");
  await worker?.exited;
  await stack?.cleanup();
});

function ops(...args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["apps/worker/src/ops/main.ts", ...args], { cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...stack.env() }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
    child.once("error", reject);
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

async function getJson(path: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${esUrl}/${path}`);
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

describe("a cluster the single-service version used", () => {
  it("stops the worker at startup naming the index, the field, both types and the command that fixes it", async () => {
    const failed = startNodeProcess("apps/worker/src/main.ts", stack.env({ WORKER_METRICS_PORT: String(await freePort()) }));
    const code = await Promise.race([failed.exited, new Promise((r) => setTimeout(() => r("still running"), 90_000))]);
    failed.kill("SIGKILL");
    expect(code, failed.output()).toBe(1);
    expect(failed.output()).toContain(`index ${stack.indices.messages}: field chat_id is text, must be keyword`);
    expect(failed.output()).toContain(`npm run ops -- migrate-index ${stack.indices.messages} ${stack.indices.messages}-000001`);
  });

  it("migrate-index copies every document into an index built from the template and gives it the old name", async () => {
    for (const name of [stack.indices.messages, stack.indices.chatNames]) {
      const result = await ops("migrate-index", name, `${name}-000001`);
      expect(result.code, result.output).toBe(0);
      expect(result.output).toContain(`${name} is now an alias of ${name}-000001`);
      expect(await indexState(stack.es, name)).toEqual({ kind: "alias", indices: [`${name}-000001`] });
    }
  });

  it("the worker then starts and indexes through the alias, next to every old document", async () => {
    worker = startNodeProcess("apps/worker/src/main.ts", stack.env({ WORKER_METRICS_PORT: String(await freePort()) }));
    await publishBodies(stack.pubsub, stack.topology.eventsTopic, Array.from({ length: 20 }, (_, i) => messageCreated({ seed: stack.id, index: i })));
    await waitForCount(stack.es, stack.indices.messages, OLD_MESSAGES + 20, 90_000).catch((error: Error) => {
      throw new Error(`${error.message}\n${worker?.output()}`);
    });
    expect((await stack.es.count({ index: `${stack.indices.messages}-000001` })).count).toBe(OLD_MESSAGES + 20);
    // chat_id is a keyword now: the terms aggregation the dynamic mapping refused works.
    const agg = await stack.es.search({ index: stack.indices.messages, size: 0, query: { prefix: { message_id: "old-" } }, aggs: { chats: { terms: { field: "chat_id", size: 100 } } } });
    expect((agg.aggregations?.chats as { buckets: unknown[] }).buckets).toHaveLength(OLD_CHATS);
  });

  it("answers the original guide's monitoring calls on the old names", async () => {
    const name = stack.indices.chatNames;
    expect(await getJson(`${name}/_count`)).toMatchObject({ count: OLD_CHATS });
    const search = await getJson(`${name}/_search?q=chat_name:Chat&size=100`);
    expect((search.hits as { hits: unknown[] }).hits).toHaveLength(OLD_CHATS);
    const chatId = encodeURIComponent("447700900007@c.us");
    expect(await getJson(`${name}/_doc/${chatId}`)).toMatchObject({ found: true, _source: { chat_name: "Chat 7" } });
    expect(await getJson(`${stack.indices.messages}/_doc/old-42`)).toMatchObject({ found: true, _source: { body: "old message 42" } });
  });
});
