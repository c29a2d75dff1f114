/**
 * The ingress process: the only place that reads the environment, builds clients and handles
 * signals. Everything else receives what it needs (see app.ts).
 *
 *   node --max-old-space-size=128 --max-semi-space-size=16 apps/ingress/src/main.ts   # settings: config.ts; flags: server/node-flags.ts
 */
import { ElasticsearchRunReader, LazyRunReader, type RunReader } from "@periskope-pipeline/commands";
import { ConfigError, loadDotEnv, missingNodeFlags, redactConfig } from "@periskope-pipeline/config";
import type { ElasticsearchClient } from "@periskope-pipeline/elasticsearch";
import { createLogger, createMetricsRegistry } from "@periskope-pipeline/observability";
import { createPubSub } from "@periskope-pipeline/pubsub";
import { createApp, createMetricsApp } from "./app.ts";
import { loadIngressConfig, type IngressConfig } from "./config.ts";
import { createIngressMetrics } from "./metrics.ts";
import { PubSubPublisher, type PubSubPublisherOptions } from "./publishing/pubsub-publisher.ts";
import { startHttpServer } from "./server/http-server.ts";
import { Lifecycle } from "./server/lifecycle.ts";
import { INGRESS_NODE_FLAGS } from "./server/node-flags.ts";
import { shutdown } from "./server/shutdown.ts";
import { createSignatureVerifier } from "./webhook/signature.ts";

/** A Pub/Sub outage ends for us within seconds of Pub/Sub coming back (grpc-js waits up to 120 s by default). */
const CHANNEL_OPTIONS = { "grpc.initial_reconnect_backoff_ms": 250, "grpc.max_reconnect_backoff_ms": 2_000 } as const;

function readConfig(): IngressConfig {
  loadDotEnv();
  try {
    return loadIngressConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`ingress: ${error.message}\n`);
    process.exit(2);
  }
}

async function main(): Promise<void> {
  const config = readConfig();
  const log = createLogger({ service: "ingress", level: config.LOG_LEVEL });
  log.info({ event: "ConfigLoaded", stage: "boot", config: redactConfig(config) }, "configuration loaded");
  const missingFlags = missingNodeFlags(INGRESS_NODE_FLAGS);
  if (missingFlags.length > 0) {
    log.warn({ event: "NodeFlagsMissing", stage: "boot", flags: missingFlags }, `start with \`node ${missingFlags.join(" ")} apps/ingress/src/main.ts\`: without it memory use grows well past what the ingress needs`);
  }

  const registry = createMetricsRegistry("ingress");
  const metrics = createIngressMetrics(registry);
  metrics.signatureVerification(config.WEBHOOK_SIGNATURE_VERIFICATION);
  if (!config.WEBHOOK_SIGNATURE_VERIFICATION) {
    log.warn({ event: "SignatureCheckDisabled", stage: "boot" }, "WEBHOOK_SIGNATURE_VERIFICATION=false: webhooks are accepted without checking x-periskope-signature (emulator only)");
  }
  const verify = config.WEBHOOK_SIGNATURE_VERIFICATION ? createSignatureVerifier(config.PERISKOPE_SIGNING_KEY) : null;

  const lifecycle = new Lifecycle();
  const pubsub = createPubSub({ projectId: config.PUBSUB_PROJECT_ID, emulatorHost: config.PUBSUB_EMULATOR_HOST, channelOptions: CHANNEL_OPTIONS });
  const publisher = (topic: string, maxMilliseconds: number, observe?: PubSubPublisherOptions["observe"]) =>
    new PubSubPublisher(pubsub, { topic, batching: { maxMessages: config.PUBLISH_BATCH_MAX_MESSAGES, maxBytes: config.PUBLISH_BATCH_MAX_BYTES, maxMilliseconds }, timeoutMs: config.PUBLISH_TIMEOUT_MS, log, observe });
  const events = publisher(config.PUBSUB_EVENTS_TOPIC, config.PUBLISH_BATCH_MAX_DELAY_MS, (seconds, error) => metrics.publishSettled(seconds, error));
  // Commands are rare and awaited one by one: no batching window.
  const commands = publisher(config.PUBSUB_COMMANDS_TOPIC, 0);
  metrics.watchInFlight(() => events.inFlight);

  let elasticsearch: ElasticsearchClient | undefined;
  const runs = new LazyRunReader(async (): Promise<RunReader> => {
    const { createElasticsearchClient, elasticsearchOptionsFromEnv } = await import("@periskope-pipeline/elasticsearch");
    elasticsearch = createElasticsearchClient(elasticsearchOptionsFromEnv(config));
    return new ElasticsearchRunReader(elasticsearch, config.ELASTICSEARCH_COMMANDS_INDEX);
  });

  const app = createApp({ events, verify, commands, runs, lifecycle, registry, metrics, log, settings: config });
  const serverOptions = { hostname: config.HOST, requestTimeoutMs: config.HTTP_REQUEST_TIMEOUT_MS };
  const { server, url } = await startHttpServer(app.fetch, { ...serverOptions, port: config.PORT });
  const metricsServer = config.METRICS_PORT === undefined ? undefined : await startHttpServer(createMetricsApp(registry).fetch, { ...serverOptions, port: config.METRICS_PORT });
  log.info({ event: "ServerListening", stage: "boot", url, metrics_url: metricsServer?.url ?? url }, `listening on ${url}`);

  events.probe().then(
    () => log.info({ event: "TopicReachable", stage: "boot", topic: config.PUBSUB_EVENTS_TOPIC }, "events topic reachable"),
    (error: { code?: string }) => log.warn({ event: "TopicUnreachable", stage: "boot", topic: config.PUBSUB_EVENTS_TOPIC, code: error.code ?? "unknown", retryable: true }, "events topic not reachable yet; /readyz answers 503 until it is"),
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
      closers: [
        () => Promise.all([events.close(), commands.close()]).then(() => {}),
        () => pubsub.close(),
        async () => elasticsearch?.close(),
        async () => void metricsServer?.server.close(),
      ],
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
