/**
 * The ingress process: the only place that reads the environment, builds clients and handles
 * signals. Everything else receives what it needs (see app.ts).
 *
 *   npx node --max-semi-space-size=16 apps/ingress/src/main.ts   # settings: config.ts; flag: server/node-flags.ts
 */
import { ConfigError, loadDotEnv, redactConfig } from "@periskope-pipeline/config";
import type { ElasticsearchClient } from "@periskope-pipeline/elasticsearch";
import { createLogger, createMetricsRegistry } from "@periskope-pipeline/observability";
import { createApp } from "./app.ts";
import { loadIngressConfig, type IngressConfig } from "./config.ts";
import { startPublishing } from "./intake/start-publishing.ts";
import { createIngressMetrics } from "./metrics.ts";
import { ElasticsearchCommandRuns, LazyCommandRuns } from "./ops/command-runs.ts";
import { startHttpServer } from "./server/http-server.ts";
import { Lifecycle } from "./server/lifecycle.ts";
import { missingNodeFlags } from "./server/node-flags.ts";
import { shutdown } from "./server/shutdown.ts";

function readConfig(): IngressConfig {
  loadDotEnv();
  try {
    return loadIngressConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`ingress: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
}

async function main(): Promise<void> {
  const config = readConfig();
  const log = createLogger({ service: "ingress", level: config.LOG_LEVEL });
  log.info({ event: "ConfigLoaded", stage: "boot", config: redactConfig(config) }, "configuration loaded");
  const missingFlags = missingNodeFlags();
  if (missingFlags.length > 0) {
    log.warn({ event: "NodeFlagsMissing", stage: "boot", flags: missingFlags }, `start with \`node ${missingFlags.join(" ")} apps/ingress/src/main.ts\`: without it memory use grows well past what the ingress needs`);
  }
  if (!config.WEBHOOK_SIGNATURE_VERIFICATION) {
    log.warn({ event: "SignatureCheckDisabled", stage: "boot" }, "WEBHOOK_SIGNATURE_VERIFICATION=false: webhooks are accepted without checking x-periskope-signature");
  }

  const registry = createMetricsRegistry("ingress");
  const metrics = createIngressMetrics(registry);
  const lifecycle = new Lifecycle();
  const publishing = await startPublishing(config, { metrics, log });
  const { intake, commands } = publishing;
  metrics.watchInFlight(() => intake.inFlight);
  let elasticsearch: ElasticsearchClient | undefined;
  const runs = new LazyCommandRuns(async () => {
    const { createElasticsearchClient, elasticsearchOptionsFromEnv } = await import("@periskope-pipeline/elasticsearch");
    elasticsearch = createElasticsearchClient(elasticsearchOptionsFromEnv(config));
    return new ElasticsearchCommandRuns(elasticsearch, config.ELASTICSEARCH_COMMANDS_INDEX);
  });

  const app = createApp({ intake, commands, runs, lifecycle, registry, metrics, log, settings: config });
  const { server, url } = await startHttpServer(app.fetch, { port: config.PORT, hostname: config.HOST, requestTimeoutMs: config.HTTP_REQUEST_TIMEOUT_MS });
  log.info({ event: "ServerListening", stage: "boot", url, intake_thread: config.INTAKE_THREAD }, `listening on ${url}`);

  intake.probe().then(
    () => log.info({ event: "TopicReachable", stage: "boot", topic: config.PUBSUB_EVENTS_TOPIC }, "events topic reachable"),
    (error: unknown) =>
      log.warn(
        { event: "TopicUnreachable", stage: "boot", topic: config.PUBSUB_EVENTS_TOPIC, code: (error as { code?: string }).code ?? "unknown", retryable: true },
        "events topic not reachable yet; /readyz answers 503 until it is",
      ),
  );

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn({ event: "ShutdownForced", stage: "shutdown", signal }, "second signal: exiting now");
      process.exit(1);
    }
    stopping = true;
    log.info({ event: "SignalReceived", stage: "shutdown", signal }, "shutting down");
    void shutdown({
      server,
      lifecycle,
      closers: [() => publishing.close(), async () => elasticsearch?.close()],
      log,
      timeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    }).then((result) => process.exit(result === "clean" ? 0 : 1));
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`ingress: failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
