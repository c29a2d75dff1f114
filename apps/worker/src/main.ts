/**
 * The worker process: the composition root (STYLE habit 1). The only place that reads the
 * environment, builds clients, and handles signals. Everything else takes its dependencies.
 *
 * Start: validate config → wait for Elasticsearch → install templates (idempotent) → create the
 * Pub/Sub topology when running against the emulator → serve metrics → run commands → (with
 * CACHE_ON_STARTUP and an empty cache: wait for the warm-up, bounded) → pull.
 * SIGTERM/SIGINT: stop commands and pulling, finish or nack in-flight batches, close clients,
 * all within WORKER_SHUTDOWN_TIMEOUT_MS.
 */
import { hostname } from "node:os";
import { ConfigError, loadConfig, loadDotEnv, missingNodeFlags, redactConfig } from "@periskope-pipeline/config";
import {
  createElasticsearchClient,
  elasticsearchOptionsFromEnv,
  IndexMappingError,
  indexNamesFromEnv,
  installTemplates,
  waitForElasticsearch,
} from "@periskope-pipeline/elasticsearch";
import { createLogger, createMetricsRegistry } from "@periskope-pipeline/observability";
import { createPubSub, ensureTopology, topologyNamesFromEnv } from "@periskope-pipeline/pubsub";
import { commandSettingsFromConfig, startCommands, type CommandRunner } from "./commands/index.ts";
import { configSchema, type WorkerConfig } from "./config.ts";
import { startMetricsServer, type MetricsServer } from "./metrics-server.ts";
import { WORKER_NODE_FLAGS } from "./node-flags.ts";
import { createWorkerPeriskopeClient } from "./periskope-client.ts";
import { createWorkerMetrics } from "./metrics.ts";
import { createWorker } from "./worker.ts";

loadDotEnv();
let config: WorkerConfig;
try {
  config = loadConfig(configSchema);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`worker: ${error.message}\n`);
  process.exit(2);
}

const log = createLogger({ service: "worker", level: config.LOG_LEVEL });
const registry = createMetricsRegistry("worker");
const metrics = createWorkerMetrics(registry);
const es = createElasticsearchClient(elasticsearchOptionsFromEnv(config));
const pubsub = createPubSub({ projectId: config.PUBSUB_PROJECT_ID, emulatorHost: config.PUBSUB_EMULATOR_HOST });
const indices = indexNamesFromEnv(config);
const topology = topologyNamesFromEnv(config);

// One client for the pipeline and the commands: one rate-limit pause, one breaker.
const periskope = createWorkerPeriskopeClient(config, (attempt) => metrics.apiCalls.inc({ operation: attempt.operation, status: attempt.outcome }));

log.info({ event: "WorkerStarting", config: redactConfig(config) }, "worker starting");
const missingFlags = missingNodeFlags(WORKER_NODE_FLAGS);
if (missingFlags.length > 0) {
  log.warn({ event: "NodeFlagsMissing", code: "memory", flags: missingFlags }, `start node with ${missingFlags.join(" ")} (see src/node-flags.ts): without them memory grows well past what the worker needs`);
}
if (!periskope) {
  log.warn({ event: "PeriskopeApiDisabled", stage: "resolve", code: "NO_API_KEY" }, "PERISKOPE_API_KEY is not set: names come only from the cache index and webhooks");
}

let stopping: Promise<void> | undefined;
const worker = createWorker({
  settings: config,
  es,
  pubsub,
  periskope,
  log,
  metrics,
  onFatal: (error) => void shutdown(1, `source failed: ${error.message}`),
});

async function main(): Promise<void> {
  await waitForElasticsearch(es, 120_000);
  if (config.ELASTICSEARCH_INSTALL_TEMPLATES) {
    // Checks every existing index against its template; a conflict rejects with the fix (IndexMappingError).
    for (const index of await installTemplates(es, indices)) {
      if (index.kind !== "index") continue;
      log.warn({ event: "IndexNotAliased", stage: "index", code: "concrete_index", index: index.name }, `${index.name} is a concrete index, not an alias: it works, but a later migration needs downtime; npm run ops -- migrate-index ${index.name} ${index.name}-000001 makes it an alias`);
    }
  }
  // Real Pub/Sub topology is managed by Terraform (least privilege: the worker may not create
  // topics); against the emulator the worker sets up what it needs.
  if (config.PUBSUB_EMULATOR_HOST) await ensureTopology(pubsub, topology);

  running.server = await startMetricsServer({ registry, ready: () => worker.pipeline.ready, port: config.WORKER_METRICS_PORT, host: config.WORKER_METRICS_HOST });
  running.commands = await startCommands({
    es,
    indices,
    pubsub,
    topology,
    periskope: periskope ?? null,
    phones: config.PERISKOPE_PHONES,
    logger: log,
    metrics: registry,
    workerId: `${hostname()}-${process.pid}`,
    settings: commandSettingsFromConfig(config),
    onChatNamesChanged: async (updates) => {
      await worker.chatNames.namesChanged(updates);
    },
  });
  // CACHE_ON_STARTUP on a fresh deployment: the first messages wait (bounded) for a full cache.
  await running.commands.cacheFilled;
  if (stopping) return;
  worker.start();
  running.worker = true;
  log.info({ event: "WorkerStarted", metrics_port: running.server.port, subscription: config.PUBSUB_EVENTS_SUBSCRIPTION }, "worker started");
}

/** What has started, so shutdown stops exactly that. */
const running: { server?: MetricsServer; commands?: CommandRunner; worker?: boolean } = {};

function shutdown(code: number, reason: string): Promise<void> {
  stopping ??= (async () => {
    log.info({ event: "WorkerStopping", code: reason }, "worker stopping");
    const hardStop = setTimeout(() => {
      log.error({ event: "ShutdownTimedOut", code: "timeout" }, "shutdown exceeded its bound; exiting");
      process.exit(code || 1);
    }, config.WORKER_SHUTDOWN_TIMEOUT_MS + 5_000);
    hardStop.unref();
    // Intake stops first and in parallel: commands and events pull from separate subscriptions.
    const stops = await Promise.allSettled([running.commands?.stop(config.WORKER_SHUTDOWN_TIMEOUT_MS), running.worker ? worker.stop() : undefined]);
    for (const stop of stops) if (stop.status === "rejected") log.warn({ event: "ShutdownStepFailed", err: stop.reason }, "shutdown step failed");
    await running.server?.close();
    await Promise.allSettled([pubsub.close(), es.close()]);
    log.info({ event: "WorkerStopped" }, "worker stopped");
    process.exit(code);
  })();
  return stopping;
}

process.once("SIGTERM", () => void shutdown(0, "SIGTERM"));
process.once("SIGINT", () => void shutdown(0, "SIGINT"));

main().catch((error: unknown) => {
  // An operator must act: say it in plain lines too, not only inside a JSON log record.
  if (error instanceof IndexMappingError) process.stderr.write(`worker: ${error.message}\n`);
  log.fatal({ event: "WorkerStartFailed", code: error instanceof IndexMappingError ? "index_mapping_conflict" : undefined, err: error }, "worker failed to start");
  void shutdown(1, "start failed");
});
