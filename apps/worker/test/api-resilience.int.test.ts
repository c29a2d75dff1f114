/**
 * The Periskope client's resilience policy and the lookup queue in front of it, on the real
 * Elasticsearch and emulator with the simulator: a flaky API (30 % 5xx and 429 with Retry-After)
 * costs about one successful call per distinct chat and every name arrives; a slow API never
 * queues more lookups than the bound; a restarted worker fills what its predecessor left
 * unresolved in the index.
 */
import { messageCreated, startSimulator, type SimulatorHandle } from "@periskope-pipeline/testkit";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startWorker, TEST_API_KEY, type RunningWorker, type WorkerOptions } from "./support/in-process-worker.ts";
import { messagesOfChats } from "./support/message-docs.ts";
import { publishBodies } from "./support/publish.ts";
import { createTestStack, type TestStack } from "./support/test-stack.ts";
import { waitFor, waitForCount } from "./support/wait.ts";

let stack: TestStack;
let sim: SimulatorHandle;
const running: RunningWorker[] = [];

beforeAll(async () => {
  stack = await createTestStack("resilience");
  sim = await startSimulator({ chats: 200, apiKey: TEST_API_KEY, nullNameRatio: 0, seed: "resilience" });
});

afterEach(async () => {
  sim.setFaults({});
  for (const worker of running.splice(0)) await worker.stop();
});

afterAll(async () => {
  await sim?.close();
  await stack?.cleanup();
});

function start(overrides: Record<string, string> = {}, options: Omit<WorkerOptions, "apiUrl" | "overrides"> = {}): RunningWorker {
  const worker = startWorker(stack, {
    apiUrl: sim.url,
    phone: sim.phones[0],
    fillDelayMs: 1_200,
    ...options,
    overrides: { CHAT_NAME_RETRY_INTERVAL_SECONDS: "1", ...overrides },
  });
  running.push(worker);
  return worker;
}

async function publishFor(chats: readonly string[], count: number, label: string): Promise<void> {
  const bodies = Array.from({ length: count }, (_, i) => messageCreated({ seed: `${stack.id}-${label}`, index: i, chatId: chats[i % chats.length] }));
  await publishBodies(stack.pubsub, stack.topology.eventsTopic, bodies);
  await waitForCount(stack.es, stack.indices.messages, count, 90_000, { terms: { chat_id: [...chats] } });
}

async function waitForNames(chats: readonly string[], count: number, timeoutMs = 90_000): Promise<void> {
  await waitFor(
    `${count} messages of ${chats.length} chats to carry their names`,
    async () => {
      const docs = await messagesOfChats(stack, chats);
      return docs.length === count && docs.every((d) => d.chat_name_status === "resolved" && d.chat_name === sim.getChat(d.chat_id)?.chat_name);
    },
    timeoutMs,
    500,
  );
}

describe("Periskope API resilience", () => {
  it("under 30 % 5xx and 429 with Retry-After, makes about one successful call per distinct chat and resolves every name", async () => {
    const chats = sim.chatIds().slice(0, 40);
    sim.resetStats();
    sim.setFaults({ errorRate: 0.15, errorStatus: 503, rateLimitRate: 0.15, rateLimitSeconds: 1 });
    start();
    await publishFor(chats, 400, "flaky");
    await waitForNames(chats, 400);

    const stats = sim.stats();
    const outcomes = stats.byRoute.getChat ?? {};
    const attempts = Object.values(outcomes).reduce((a, b) => a + b, 0);
    // Every chat answered once: single flight and memory keep the 400 messages from asking again.
    expect(outcomes["200"]).toBe(chats.length);
    expect(Object.keys(stats.getChatCalls).sort()).toEqual([...chats].sort());
    // The faults cost retries (about 1 / 0.7 attempts per chat), not a call per message.
    expect(outcomes["503"] ?? 0).toBeGreaterThan(0);
    expect(outcomes["429"] ?? 0).toBeGreaterThan(0);
    expect(attempts).toBeLessThan(chats.length * 3);
  });

  it("keeps at most PERISKOPE_LOOKUP_QUEUE_MAX lookups queued behind a slow API, and fills the dropped chats later", async () => {
    const chats = sim.chatIds().slice(50, 80);
    sim.setFaults({ latencyMs: 1_500 });
    const worker = start({ PERISKOPE_CONCURRENCY: "1", PERISKOPE_LOOKUP_QUEUE_MAX: "3", CHAT_NAME_RESOLVE_BUDGET_MS: "500" });
    let maxQueued = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        maxQueued = Math.max(maxQueued, await worker.metricValue("worker_periskope_lookups_queued"));
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    try {
      await publishFor(chats, 300, "slow");
      await waitFor("lookups to be dropped", async () => (await worker.metricValue("worker_chat_name_lookups_total", { tier: "api", result: "dropped" })) > 0, 30_000);
    } finally {
      sampling = false;
      await sampler;
    }
    expect(maxQueued).toBeGreaterThan(0);
    expect(maxQueued).toBeLessThanOrEqual(3);

    sim.setFaults({});
    await waitForNames(chats, 300);
  });

  it("fills, after a restart, the messages a previous worker left unresolved in the index", async () => {
    const chats = sim.chatIds().slice(100, 106);
    sim.setFaults({ errorRate: 1, errorStatus: 503 });
    const first = start({ PERISKOPE_RETRY_BUDGET_MS: "1000", PERISKOPE_RETRY_MAX_ATTEMPTS: "2" });
    await publishFor(chats, 60, "restart");
    expect((await messagesOfChats(stack, chats)).every((d) => d.chat_name_status === "unresolved")).toBe(true);
    await first.stop();
    running.splice(running.indexOf(first), 1);

    // The API is back, and no message of these chats arrives again: only the index says they need names.
    sim.setFaults({});
    const second = start();
    await waitForNames(chats, 60);
    expect(await second.metricValue("worker_chat_names_filled_total")).toBeGreaterThanOrEqual(60);
  });
});
