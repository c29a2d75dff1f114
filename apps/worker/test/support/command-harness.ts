/**
 * Real services for the commands' integration tests: isolated indices, Pub/Sub topology (own
 * project id), a Periskope simulator, and `CommandDeps` wired to them. Each test file builds one
 * harness and disposes of it; everything it creates carries a random suffix and is deleted by name.
 */
import { randomUUID } from "node:crypto";
import type { PubSub } from "@google-cloud/pubsub";
import { createElasticsearchClient, deleteIndices, installTemplates, scopedIndexNames, type ElasticsearchClient, type IndexNames } from "@periskope-pipeline/elasticsearch";
import { createLogger, createMetricsRegistry, type Logger } from "@periskope-pipeline/observability";
import { createPeriskopeClient } from "@periskope-pipeline/periskope";
import { createPubSub, deleteTopology, ensureTopology, scopedTopologyNames, type TopologyNames } from "@periskope-pipeline/pubsub";
import { startSimulator, type SimulatorHandle, type StartSimulatorOptions } from "@periskope-pipeline/testkit";
import { fillChatNames } from "../../src/chat-names/index.ts";
import type { ChatNameUpdate, CommandDeps } from "../../src/commands/deps.ts";
import type { StoredRun } from "../../src/commands/run-record.ts";
import { DEFAULT_COMMAND_SETTINGS, type CommandSettings } from "../../src/commands/settings.ts";

export const API_KEY = "test-api-key";

export interface Harness {
  readonly suffix: string;
  readonly projectId: string;
  readonly es: ElasticsearchClient;
  readonly pubsub: PubSub;
  readonly indices: IndexNames;
  readonly topology: TopologyNames;
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
  dispose(): Promise<void>;
}

export async function createHarness(simulator: StartSimulatorOptions = {}): Promise<Harness> {
  const suffix = randomUUID().slice(0, 8);
  const projectId = `commands-${suffix}`;
  const emulatorHost = process.env.PUBSUB_EMULATOR_HOST ?? "127.0.0.1:8085";
  const esUrl = process.env.ELASTICSEARCH_URL ?? "http://127.0.0.1:9200";
  const newEs = () => createElasticsearchClient({ url: esUrl });
  const newPubSub = () => createPubSub({ projectId, emulatorHost });
  const es = newEs();
  const pubsub = newPubSub();
  const indices: IndexNames = scopedIndexNames(`cmdtest-${suffix}`);
  const topology: TopologyNames = scopedTopologyNames(suffix);
  await installTemplates(es, indices);
  await ensureTopology(pubsub, topology);
  const sim = await startSimulator({ apiKey: API_KEY, ...simulator });
  const logger = createLogger({ service: "commands-test", level: process.env.TEST_LOG_LEVEL ?? "silent" });
  const chatNameUpdates: ChatNameUpdate[] = [];
  const clients: Array<{ close(): Promise<unknown> }> = [];

  const harness: Harness = {
    suffix,
    projectId,
    es,
    pubsub,
    indices,
    topology,
    sim,
    logger,
    chatNameUpdates,
    deps(overrides = {}) {
      const { settings, ...rest } = overrides;
      return {
        es,
        indices,
        pubsub,
        topology,
        periskope: createPeriskopeClient({ baseUrl: sim.url, apiKey: API_KEY, timeoutMs: 5_000, retry: { baseDelayMs: 20, maxDelayMs: 200, maxServerDelayMs: 2_000, budgetMs: 20_000 } }),
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
    newPubSub() {
      const client = newPubSub();
      clients.push(client);
      return client;
    },
    newEs() {
      const client = newEs();
      clients.push(client);
      return client;
    },
    async waitForRun(commandId, until = (run) => run.status === "succeeded" || run.status === "failed", timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      let last: StoredRun | undefined;
      while (Date.now() < deadline) {
        const response = await es.get<StoredRun>({ index: indices.commands, id: commandId }, { ignore: [404] });
        last = response.found ? response._source : undefined;
        if (last && until(last)) return last;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`run ${commandId} did not reach the expected state within ${timeoutMs} ms; last: ${JSON.stringify(last)}`);
    },
    async dispose() {
      await sim.close({ graceMs: 100 });
      await deleteTopology(pubsub, topology);
      await Promise.allSettled(clients.map((c) => c.close()));
      await pubsub.close();
      await deleteIndices(es, Object.values(indices));
      await es.close();
    },
  };
  return harness;
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
