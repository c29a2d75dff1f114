/**
 * The Periskope API misbehaving (issue 5): 429 with Retry-After, 5xx bursts, dropped connections,
 * an outage that opens the circuit, chats it does not know. No message is lost or held back for
 * long; names arrive once the API recovers; unknown chats stay unresolved until a name arrives by
 * webhook, and then their messages are filled in.
 */
import { chatCreated, messageCreated, startSimulator, type SimulatorHandle } from "@periskope-pipeline/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWorker, TEST_API_KEY, type RunningWorker } from "./support/in-process-worker.ts";
import { messagesOfChats } from "./support/message-docs.ts";
import { publishBodies } from "./support/publish.ts";
import { createTestStack, type TestStack } from "./support/test-stack.ts";
import { waitFor, waitForCount } from "./support/wait.ts";

let stack: TestStack;
let sim: SimulatorHandle;
let worker: RunningWorker;

beforeAll(async () => {
  stack = await createTestStack("faults");
  sim = await startSimulator({ chats: 60, apiKey: TEST_API_KEY, nullNameRatio: 0 });
  worker = startWorker(stack, {
    apiUrl: sim.url,
    phone: sim.phones[0],
    fillDelayMs: 1_200,
    overrides: {
      PERISKOPE_RETRY_MAX_ATTEMPTS: "5",
      PERISKOPE_RETRY_BUDGET_MS: "8000",
      CHAT_NAME_RESOLVE_BUDGET_MS: "2000",
      CHAT_NAME_RETRY_INTERVAL_SECONDS: "1",
      PERISKOPE_BREAKER_FAILURES: "3",
      PERISKOPE_BREAKER_COOLDOWN_MS: "1000",
    },
  });
});

afterAll(async () => {
  await worker?.stop();
  await sim?.close();
  await stack?.cleanup();
});

function messagesFor(chats: readonly string[], count: number, label: string) {
  return Array.from({ length: count }, (_, i) => messageCreated({ seed: `${stack.id}-${label}`, index: i, chatId: chats[i % chats.length] }));
}

describe("Periskope API faults", () => {
  it("rides out 429s with Retry-After, 5xx and dropped connections without losing a message", async () => {
    const chats = sim.chatIds().slice(0, 6);
    sim.failNext(
      { route: "getChat", count: 3, action: { type: "rate-limit", seconds: 1, retryAfter: "seconds" } },
      { route: "getChat", count: 3, action: { type: "status", status: 503 } },
      { route: "getChat", count: 2, action: { type: "drop", phase: "before-response" } },
    );
    await publishBodies(stack.pubsub, stack.topology.eventsTopic, messagesFor(chats, 60, "a"));
    await waitForCount(stack.es, stack.indices.messages, 60, 60_000, { terms: { chat_id: chats } });
    await waitFor("every name to be resolved", async () => {
      const docs = await messagesOfChats(stack, chats);
      return docs.length === 60 && docs.every((d) => d.chat_name === sim.getChat(d.chat_id)?.chat_name);
    });
    const outcomes = sim.stats().byRoute.getChat ?? {};
    expect(outcomes["429"]).toBe(3);
    expect(outcomes["503"]).toBe(3);
  });

  it("indexes messages unresolved during an outage and fills their names after recovery", async () => {
    const chats = sim.chatIds().slice(10, 14);
    sim.setFaults({ errorRate: 1, errorStatus: 503 });
    await publishBodies(stack.pubsub, stack.topology.eventsTopic, messagesFor(chats, 40, "b"));
    await waitForCount(stack.es, stack.indices.messages, 40, 60_000, { terms: { chat_id: chats } });
    const during = await messagesOfChats(stack, chats);
    expect(during.every((d) => d.chat_name === null && d.chat_name_status === "unresolved")).toBe(true);
    await waitFor("the circuit to open", async () => (await worker.metricValue("worker_periskope_circuit_state")) === 2, 30_000);

    sim.setFaults({});
    await waitFor("names to be filled after recovery", async () => {
      const docs = await messagesOfChats(stack, chats);
      return docs.length === 40 && docs.every((d) => d.chat_name_status === "resolved" && d.chat_name === sim.getChat(d.chat_id)?.chat_name);
    }, 60_000);
    expect(await worker.metricValue("worker_chat_names_filled_total")).toBeGreaterThanOrEqual(40);
  });

  it("keeps chats the API does not know unresolved, asking once, until a webhook names them", async () => {
    const unknown = "120363400000099999@g.us";
    sim.resetStats();
    await publishBodies(stack.pubsub, stack.topology.eventsTopic, messagesFor([unknown], 20, "c"));
    await waitForCount(stack.es, stack.indices.messages, 20, 60_000, { term: { chat_id: unknown } });
    // Several retry intervals pass: a chat the API does not know is not asked again.
    await new Promise((r) => setTimeout(r, 3_000));
    const waiting = await messagesOfChats(stack, [unknown]);
    expect(waiting.every((d) => d.chat_name_status === "unresolved")).toBe(true);
    expect(sim.stats().getChatCalls[unknown]).toBe(1);

    await publishBodies(stack.pubsub, stack.topology.eventsTopic, [chatCreated({ seed: stack.id, chat: { chat_id: unknown, chat_name: "Found later", chat_type: "group" } })]);
    await waitFor("the webhook's name to be filled in", async () => {
      const docs = await messagesOfChats(stack, [unknown]);
      return docs.length === 20 && docs.every((d) => d.chat_name === "Found later" && d.chat_name_status === "resolved");
    });
    expect(sim.stats().getChatCalls[unknown]).toBe(1);
  });
});
