/**
 * An isolated slice of the shared services for one test file: its own Pub/Sub project id, topics
 * and subscriptions, and its own indices (templates installed), all removed afterwards. Tests read
 * the services' addresses from the environment set by the int global setup.
 */
import { randomBytes } from "node:crypto";
import type { PubSub } from "@google-cloud/pubsub";
import { loadConfig } from "@periskope-pipeline/config";
import {
  createElasticsearchClient,
  deleteIndices,
  installTemplates,
  scopedIndexNames,
  type ElasticsearchClient,
  type IndexNames,
} from "@periskope-pipeline/elasticsearch";
import { createPubSub, deleteTopology, ensureTopology, scopedTopologyNames, SUBSCRIPTION_POLICY, type TopologyNames } from "@periskope-pipeline/pubsub";
import { configSchema, type WorkerConfig } from "../../src/config.ts";

export interface TestStack {
  readonly id: string;
  readonly es: ElasticsearchClient;
  readonly pubsub: PubSub;
  readonly projectId: string;
  readonly indices: IndexNames;
  readonly topology: TopologyNames;
  /** Worker config for this slice, with the given overrides (env-style strings). */
  config(overrides?: Record<string, string>): WorkerConfig;
  /** The environment a worker process needs to use this slice. */
  env(overrides?: Record<string, string>): Record<string, string>;
  cleanup(): Promise<void>;
}

export interface TestStackOptions {
  /** Elasticsearch to use instead of the shared one (e.g. a test's own instance). */
  readonly elasticsearchUrl?: string;
  /**
   * Create the events subscription without its retry policy (everything else keeps it). With the
   * policy, the emulator (0.8.x) holds back messages whose lease expired (a killed subscriber's)
   * and the backlog behind them for minutes, and every nack pushes a message's next delivery
   * further out (10 s doubling to 10 min): tests of what the worker does after a kill or an outage
   * would be measuring that wait instead.
   */
  readonly withoutRetryPolicy?: boolean;
  /** Ack deadline of that subscription: how soon a killed subscriber's messages come back. */
  readonly ackDeadlineSeconds?: number;
}

export async function createTestStack(label: string, options: TestStackOptions = {}): Promise<TestStack> {
  const id = `${label}-${randomBytes(4).toString("hex")}`.toLowerCase();
  const esUrl = options.elasticsearchUrl ?? required("ELASTICSEARCH_URL");
  const emulatorHost = required("PUBSUB_EMULATOR_HOST");
  const projectId = `wt-${id}`;
  const indices: IndexNames = scopedIndexNames(`wt-${id}`);
  const topology: TopologyNames = scopedTopologyNames(id);
  const es = createElasticsearchClient({ url: esUrl, requestTimeoutMs: 30_000 });
  const pubsub = createPubSub({ projectId, emulatorHost });
  await installTemplates(es, indices);
  if (options.withoutRetryPolicy) {
    const [topic] = await pubsub.createTopic(topology.eventsTopic);
    const [deadLetters] = await pubsub.createTopic(topology.deadLetterTopic);
    await topic.createSubscription(topology.eventsSubscription, {
      ackDeadlineSeconds: options.ackDeadlineSeconds ?? SUBSCRIPTION_POLICY.ackDeadlineSeconds,
      deadLetterPolicy: { deadLetterTopic: deadLetters.name, maxDeliveryAttempts: SUBSCRIPTION_POLICY.maxDeliveryAttempts },
    });
  }
  // Creates whatever is still missing; existing topics and subscriptions are left as they are.
  await ensureTopology(pubsub, topology);

  const env = (overrides: Record<string, string> = {}): Record<string, string> => ({
    ELASTICSEARCH_URL: esUrl,
    PUBSUB_EMULATOR_HOST: emulatorHost,
    PUBSUB_PROJECT_ID: projectId,
    METADATA_SERVER_DETECTION: "none",
    ELASTICSEARCH_INDEX: indices.messages,
    ELASTICSEARCH_CACHE_INDEX: indices.chatNames,
    ELASTICSEARCH_EVENTS_INDEX: indices.events,
    ELASTICSEARCH_COMMANDS_INDEX: indices.commands,
    PUBSUB_EVENTS_TOPIC: topology.eventsTopic,
    PUBSUB_EVENTS_SUBSCRIPTION: topology.eventsSubscription,
    PUBSUB_COMMANDS_TOPIC: topology.commandsTopic,
    PUBSUB_COMMANDS_SUBSCRIPTION: topology.commandsSubscription,
    PUBSUB_DEAD_LETTER_TOPIC: topology.deadLetterTopic,
    PUBSUB_DEAD_LETTER_SUBSCRIPTION: topology.deadLetterSubscription,
    // Test machines have two cores shared by everything: a few streams are plenty.
    PUBSUB_MAX_STREAMS: "2",
    LOG_LEVEL: "error",
    ...overrides,
  });

  return {
    id,
    es,
    pubsub,
    projectId,
    indices,
    topology,
    env,
    config: (overrides = {}) => loadConfig(configSchema, env(overrides)),
    async cleanup() {
      await deleteTopology(pubsub, topology).catch(() => undefined);
      await deleteIndices(es, Object.values(indices)).catch(() => undefined);
      for (const index of Object.values(indices)) {
        await es.indices.deleteIndexTemplate({ name: `periskope-pipeline-${index}` }, { ignore: [404] }).catch(() => undefined);
      }
      await pubsub.close().catch(() => undefined);
      await es.close().catch(() => undefined);
    },
  };
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} must be set (the int global setup sets it)`);
  return value;
}
