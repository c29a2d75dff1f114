/**
 * The first end-to-end slice (issue 3), on real processes and services: 1,000 signed webhooks over
 * 50 chats → the real ingress → the Pub/Sub emulator → the real worker → Elasticsearch, with chat
 * names from the Periskope simulator. Exactly 1,000 documents, each with its chat's name; at most
 * one `GET /chats/{id}` per chat; and the same 1,000 sent again still leave 1,000.
 */
import { messageCreated, sendWebhooks, startSimulator, toRawBody, type SimulatorHandle } from "@periskope-pipeline/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "@periskope-pipeline/local-stack";
import { TEST_API_KEY } from "./support/in-process-worker.ts";
import { createTestStack, type TestStack } from "./support/test-stack.ts";
import { allDocuments, countDocuments, waitFor, waitForCount } from "./support/wait.ts";
import { startNodeProcess, type ChildService } from "./support/worker-process.ts";
import { WORKER_NODE_FLAGS } from "../src/node-flags.ts";

const SIGNING_KEY = "peri_e2e_signing_key";
const TOTAL = 1_000;
const CHATS = 50;

let stack: TestStack;
let sim: SimulatorHandle;
let ingress: ChildService;
let worker: ChildService;
let ingressUrl: string;
let workerMetricsUrl: string;

beforeAll(async () => {
  stack = await createTestStack("e2e");
  sim = await startSimulator({ chats: CHATS, apiKey: TEST_API_KEY, nullNameRatio: 0 });
  const [ingressPort, metricsPort] = [await freePort(), await freePort()];
  ingressUrl = `http://127.0.0.1:${ingressPort}`;
  workerMetricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
  const env = stack.env({ LOG_LEVEL: "warn", PERISKOPE_SIGNING_KEY: SIGNING_KEY });
  ingress = startNodeProcess("apps/ingress/src/main.ts", { ...env, PORT: String(ingressPort), HOST: "127.0.0.1" });
  worker = startNodeProcess("apps/worker/src/main.ts", {
    ...env,
    WORKER_METRICS_PORT: String(metricsPort),
    PERISKOPE_API_URL: sim.url,
    PERISKOPE_API_KEY: TEST_API_KEY,
    PERISKOPE_PHONES: sim.phones.join(","),
  }, WORKER_NODE_FLAGS);
  const ready = (url: string, child: ChildService) =>
    waitFor(`${url} to be ready`, async () => (await fetch(url)).ok, 60_000).catch((error) => {
      throw new Error(`${(error as Error).message}\n${child.output()}`);
    });
  await Promise.all([ready(`${ingressUrl}/readyz`, ingress), ready(`${workerMetricsUrl.replace("/metrics", "/readyz")}`, worker)]);
});

afterAll(async () => {
  ingress?.kill("SIGTERM");
  worker?.kill("SIGTERM");
  await Promise.all([ingress?.exited, worker?.exited]);
  await sim?.close();
  await stack?.cleanup();
});

/** Messages the worker has finished (indexed, or superseded by an equal version). */
async function workerSettled(): Promise<number> {
  const text = await (await fetch(workerMetricsUrl)).text();
  let total = 0;
  for (const line of text.split("\n")) {
    const m = /^worker_messages_total\{outcome="(indexed|superseded)"[^}]*\} (\d+)/.exec(line);
    if (m) total += Number(m[2]);
  }
  return total;
}

describe("webhook → ingress → Pub/Sub → worker → Elasticsearch", () => {
  it("indexes 1,000 signed webhooks over 50 chats exactly once, with names, at most one API call per chat", async () => {
    const chats = sim.chatIds();
    expect(chats).toHaveLength(CHATS);
    const bodies = Array.from({ length: TOTAL }, (_, i) => {
      const chat = sim.getChat(chats[i % CHATS]!)!;
      return toRawBody(messageCreated({ seed: stack.id, index: i, chatId: chat.chat_id, orgPhone: String(chat.org_phone), spelling: i % 2 === 0 ? "event_type" : "event" }));
    });

    const sent = await sendWebhooks(`${ingressUrl}/periskopewebhook`, bodies, { key: SIGNING_KEY, concurrency: 50 });
    expect(sent.statusCounts).toEqual({ "200": TOTAL });
    await waitForCount(stack.es, stack.indices.messages, TOTAL, 90_000).catch((error) => {
      throw new Error(`${(error as Error).message}\n${worker.output()}`);
    });

    const docs = await allDocuments<{ chat_id: string; chat_name: string | null; chat_name_status: string }>(stack.es, stack.indices.messages);
    expect(docs.size).toBe(TOTAL);
    for (const doc of docs.values()) {
      expect(doc.chat_name_status).toBe("resolved");
      expect(doc.chat_name).toBe(sim.getChat(doc.chat_id)!.chat_name);
    }
    const calls = sim.stats().getChatCalls;
    expect(Object.keys(calls).length).toBeLessThanOrEqual(CHATS);
    expect(sim.stats().getChatMaxPerChat).toBeLessThanOrEqual(1);

    const again = await sendWebhooks(`${ingressUrl}/periskopewebhook`, bodies, { key: SIGNING_KEY, concurrency: 50 });
    expect(again.statusCounts).toEqual({ "200": TOTAL });
    await waitFor("the worker to process the resent webhooks", async () => (await workerSettled()) >= 2 * TOTAL, 90_000);
    expect(await countDocuments(stack.es, stack.indices.messages)).toBe(TOTAL);
    expect(sim.stats().getChatMaxPerChat).toBeLessThanOrEqual(1);
  });
});
