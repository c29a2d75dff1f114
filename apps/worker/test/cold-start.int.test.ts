/**
 * `CACHE_ON_STARTUP` for a single-replica user (issue: the original service filled its cache at
 * startup, before serving): a worker process that starts on an empty cache index fills it before it
 * pulls, so its first messages are enriched from the cache without a lookup per chat; and it waits
 * no longer than `WARM_UP_WAIT_SECONDS` before pulling anyway.
 */
import { messageCreated, startSimulator, type SimulatorHandle } from "@periskope-pipeline/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { WORKER_NODE_FLAGS } from "../src/node-flags.ts";
import { TEST_API_KEY } from "./support/in-process-worker.ts";
import { publishBodies } from "./support/publish.ts";
import { createTestStack, type TestStack } from "./support/test-stack.ts";
import { allDocuments, waitFor, waitForCount } from "./support/wait.ts";
import { startNodeProcess, type ChildService } from "./support/worker-process.ts";

const MESSAGES = 20;
const cleanups: Array<() => Promise<unknown>> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

async function freshDeployment(label: string, latencyMs: number): Promise<{ stack: TestStack; sim: SimulatorHandle; chats: string[] }> {
  const stack = await createTestStack(label);
  cleanups.push(() => stack.cleanup());
  const sim = await startSimulator({ chats: 400, apiKey: TEST_API_KEY, nullNameRatio: 0 });
  cleanups.push(() => sim.close());
  sim.setFaults({ latencyMs });
  const chats = sim.chatIds().slice(0, 5);
  // Webhooks are already waiting when the worker first starts.
  await publishBodies(stack.pubsub, stack.topology.eventsTopic, Array.from({ length: MESSAGES }, (_, i) => messageCreated({ seed: stack.id, index: i, chatId: chats[i % chats.length] })));
  return { stack, sim, chats };
}

function startWorkerProcess(stack: TestStack, sim: SimulatorHandle, overrides: Record<string, string>): ChildService {
  const worker = startNodeProcess(
    "apps/worker/src/main.ts",
    stack.env({
      WORKER_METRICS_PORT: "0",
      PERISKOPE_API_URL: sim.url,
      PERISKOPE_API_KEY: TEST_API_KEY,
      PERISKOPE_PHONES: sim.phones.join(","),
      CACHE_ON_STARTUP: "true",
      LOG_LEVEL: "info",
      ...overrides,
    }),
    WORKER_NODE_FLAGS,
  );
  cleanups.push(async () => {
    worker.kill("SIGTERM");
    await worker.exited;
  });
  return worker;
}

describe("CACHE_ON_STARTUP on a fresh deployment", () => {
  it("fills the empty cache before the first message is enriched", async () => {
    const { stack, sim, chats } = await freshDeployment("cold", 200);
    const worker = startWorkerProcess(stack, sim, {});
    await waitForCount(stack.es, stack.indices.messages, MESSAGES, 90_000).catch((error) => {
      throw new Error(`${(error as Error).message}\n${worker.output()}`);
    });

    const docs = [...(await allDocuments<{ chat_id: string; chat_name: string | null; chat_name_status: string }>(stack.es, stack.indices.messages)).values()];
    for (const doc of docs) expect(doc).toMatchObject({ chat_name: sim.getChat(doc.chat_id)?.chat_name, chat_name_status: "resolved" });
    // The names came from the cache the warm-up filled, not from a lookup per chat.
    expect(sim.stats().getChatCalls).toEqual({});
    expect(new Set(docs.map((d) => d.chat_id))).toEqual(new Set(chats));
    expect(worker.output()).toContain("WarmUpAwaitEnded");
  });

  it("pulls after WARM_UP_WAIT_SECONDS when the warm-up takes longer, and the warm-up goes on", async () => {
    // Two phones, one page each at 4 s: the warm-up needs more than the 1 s the worker waits.
    const { stack, sim } = await freshDeployment("cold-slow", 4_000);
    const worker = startWorkerProcess(stack, sim, { WARM_UP_WAIT_SECONDS: "1", CHAT_NAME_RESOLVE_BUDGET_MS: "200" });
    await waitFor("the worker to stop waiting for the warm-up", async () => worker.output().includes("WarmUpAwaitTimedOut"), 60_000).catch((error) => {
      throw new Error(`${(error as Error).message}\n${worker.output()}`);
    });
    // Messages are indexed (names filled later) while the warm-up still runs, and it then ends well.
    await waitForCount(stack.es, stack.indices.messages, MESSAGES, 90_000);
    await waitFor("the warm-up to succeed", async () => worker.output().includes('"event":"CommandSucceeded"'), 90_000).catch((error) => {
      throw new Error(`${(error as Error).message}\n${worker.output()}`);
    });
  });
});
