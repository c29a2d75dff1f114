/**
 * The commands' integration tests: a test stack (isolated indices and Pub/Sub topology, own project
 * id), a Periskope simulator, and `CommandDeps` wired to them. Each test file builds one harness and
 * cleans it up; everything it creates is scoped to it and deleted by name.
 */
import { randomUUID } from "node:crypto";
import type { PubSub } from "@google-cloud/pubsub";
import { createElasticsearchClient, type ElasticsearchClient } from "@periskope-pipeline/elasticsearch";
import { createLogger, createMetricsRegistry, type Logger } from "@periskope-pipeline/observability";
import { createPeriskopeClient } from "@periskope-pipeline/periskope";
import { createPubSub } from "@periskope-pipeline/pubsub";
import { startSimulator, type SimulatorHandle, type StartSimulatorOptions } from "@periskope-pipeline/testkit";
import { fillChatNames } from "../../src/chat-names/index.ts";
import type { ChatNameUpdate, CommandDeps } from "../../src/commands/deps.ts";
import type { StoredRun } from "../../src/commands/run-record.ts";
import { DEFAULT_COMMAND_SETTINGS, type CommandSettings } from "../../src/commands/settings.ts";
import { TEST_API_KEY } from "./in-process-worker.ts";
import { createTestStack, type TestStack } from "./test-stack.ts";
import { waitFor } from "./wait.ts";

export interface Harness extends TestStack {
  readonly sim: SimulatorHandle;
  readonly logger: Logger;
  /** Every update handed to `onChatNamesChanged`, across runs. */
  readonly chatNameUpdates: ChatNameUpdate[];
  /** Deps for one runner; each call gets its own registry (and, if asked, its own clients). */
  deps(overrides?: Partial<Omit<CommandDeps, "settings">> & { settings?: Partial<CommandSettings> }): CommandDeps;
  /** A second PubSub client on the same project (another "worker"). */
  newPubSub(): PubSub;
  newEs(): ElasticsearchClient;
  waitForRun(commandId: string, until?: (run: StoredRun) => boolean, timeoutMs?: number): Promise<StoredRun>;
}

export async function createHarness(simulator: StartSimulatorOptions = {}): Promise<Harness> {
  const stack = await createTestStack("commands");
  const { es, indices } = stack;
  const env = stack.env();
  const sim = await startSimulator({ apiKey: TEST_API_KEY, ...simulator });
  const logger = createLogger({ service: "commands-test", level: process.env.TEST_LOG_LEVEL ?? "silent" });
  const chatNameUpdates: ChatNameUpdate[] = [];
  const clients: Array<{ close(): Promise<unknown> }> = [];
  const keep = <T extends { close(): Promise<unknown> }>(client: T): T => {
    clients.push(client);
    return client;
  };

  return {
    ...stack,
    sim,
    logger,
    chatNameUpdates,
    deps(overrides = {}) {
      const { settings, ...rest } = overrides;
      return {
        es,
        indices,
        pubsub: stack.pubsub,
        topology: stack.topology,
        periskope: createPeriskopeClient({ baseUrl: sim.url, apiKey: TEST_API_KEY, timeoutMs: 5_000, retry: { baseDelayMs: 20, maxDelayMs: 200, maxServerDelayMs: 2_000, budgetMs: 20_000 } }),
        phones: sim.phones,
        logger,
        metrics: createMetricsRegistry("commands-test", { defaultMetrics: false }),
        workerId: `worker-${randomUUID().slice(0, 6)}`,
        onChatNamesChanged: async (updates) => {
          chatNameUpdates.push(...updates);
          await fillChatNames(rest.es ?? es, indices.messages, updates);
        },
        ...rest,
        settings: { ...DEFAULT_COMMAND_SETTINGS, heartbeatMs: 500, staleAfterMs: 3_000, warmUpDelayMs: 0, replayIdleMs: 2_000, ...settings },
      };
    },
    newPubSub: () => keep(createPubSub({ projectId: stack.projectId, emulatorHost: env.PUBSUB_EMULATOR_HOST! })),
    newEs: () => keep(createElasticsearchClient({ url: env.ELASTICSEARCH_URL! })),
    async waitForRun(commandId, until = (run) => run.status === "succeeded" || run.status === "failed", timeoutMs = 60_000) {
      let last: StoredRun | undefined;
      try {
        return await waitFor(`run ${commandId} to reach the expected state`, async () => {
          const response = await es.get<StoredRun>({ index: indices.commands, id: commandId }, { ignore: [404] });
          last = response.found ? response._source : undefined;
          return last && until(last) ? last : undefined;
        }, timeoutMs, 100);
      } catch (error) {
        throw new Error(`${(error as Error).message}; last: ${JSON.stringify(last)}`);
      }
    },
    async cleanup() {
      await sim.close({ graceMs: 100 });
      await Promise.allSettled(clients.map((c) => c.close()));
      await stack.cleanup();
    },
  };
}

/** Message documents for chats, as the worker would have indexed them (name possibly stale). */
export async function seedMessages(es: ElasticsearchClient, index: string, messages: Array<{ messageId: string; chatId: string; chatName: string | null }>): Promise<void> {
  const now = new Date().toISOString();
  const operations = messages.flatMap((m) => [
    { index: { _index: index, _id: m.messageId } },
    {
      message_id: m.messageId,
      chat_id: m.chatId,
      body: `hello from ${m.chatId}`,
      chat_name: m.chatName,
      chat_name_status: m.chatName === null ? "unresolved" : "resolved",
      event_type: "message.created",
      "@timestamp": now,
      indexed_at: now,
    },
  ]);
  const response = await es.bulk({ operations, refresh: "wait_for" });
  if (response.errors) throw new Error(`seeding messages failed: ${JSON.stringify(response.items.find((i) => i.index?.error))}`);
}

/** Cache documents as an earlier run left them; `version` 1 is older than any chat's `updated_at`. */
export async function seedCache(es: ElasticsearchClient, index: string, chats: Array<{ chatId: string; chatName: string }>): Promise<void> {
  const now = new Date().toISOString();
  const operations = chats.flatMap((c) => [
    { index: { _index: index, _id: c.chatId, version: 1, version_type: "external_gte" } },
    { chat_id: c.chatId, chat_name: c.chatName, source: "api", "@timestamp": now, updated_at: now },
  ]);
  const response = await es.bulk({ operations, refresh: "wait_for" });
  if (response.errors) throw new Error(`seeding the cache failed: ${JSON.stringify(response.items.find((i) => i.index?.error))}`);
}
