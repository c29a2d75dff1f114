/**
 * The ingress configuration: one zod schema, parsed once at boot by `main.ts` (design §6).
 *
 * `configSchema` lists every variable the ingress reads, so deployment checks can ask it which ones
 * are required (`requiredVariables(configSchema)`). `PERISKOPE_SIGNING_KEY` is required there: a
 * deployment must always carry it. Only an explicit `WEBHOOK_SIGNATURE_VERIFICATION=false` lets
 * `loadIngressConfig` start without it, and only while publishing to the emulator
 * (`PUBSUB_EMULATOR_HOST`): unsigned webhooks never reach a real topic.
 *
 * @example
 * const config = loadIngressConfig(process.env);
 * config.PUBLISH_MAX_IN_FLIGHT; // 2000 unless set
 */
import {
  elasticsearchSettings,
  envBoolean,
  envInt,
  envLogLevel,
  envOptionalString,
  envSecret,
  envString,
  ConfigError,
  loadConfig,
  pubsubSettings,
  type Env,
} from "@periskope-pipeline/config";
import { z } from "zod";

const MiB = 1024 * 1024;
/** A bearer token guessable in less than 2^128 tries is not a token (32 hex characters = 128 bits). */
export const MIN_ADMIN_TOKEN_LENGTH = 32;

/** The shared settings the ingress reads: its two topics, and Elasticsearch for the commands index only. */
const sharedSettings = z.object({ ...pubsubSettings, ...elasticsearchSettings }).pick({
  PUBSUB_PROJECT_ID: true, PUBSUB_EMULATOR_HOST: true, PUBSUB_EVENTS_TOPIC: true, PUBSUB_COMMANDS_TOPIC: true,
  ELASTICSEARCH_URL: true, ELASTICSEARCH_API_KEY: true, ELASTICSEARCH_USERNAME: true, ELASTICSEARCH_PASSWORD: true,
  ELASTICSEARCH_REQUEST_TIMEOUT_MS: true, ELASTICSEARCH_COMMANDS_INDEX: true,
});

export const configSchema = z.object({
  PORT: envInt(8080, { min: 0, max: 65_535 }),
  /** `/metrics` on this port, off the public PORT (the deployed configuration sets it); unset: on PORT. */
  METRICS_PORT: envInt(0, { min: 0, max: 65_535 }).transform((port) => (port === 0 ? undefined : port)),
  /** Listen address; all interfaces in containers (Cloud Run), 127.0.0.1 for local runs and tests. */
  HOST: envString("0.0.0.0"),
  LOG_LEVEL: envLogLevel(),

  // Webhook intake
  PERISKOPE_SIGNING_KEY: envSecret(),
  /** Only `false` turns signature checks off, and only with PUBSUB_EMULATOR_HOST set (local experiments). */
  WEBHOOK_SIGNATURE_VERIFICATION: envBoolean(true),
  /** Larger bodies get 413 before they are read. Pub/Sub's own message limit is 10 MB. */
  MAX_BODY_BYTES: envInt(1 * MiB, { min: 1024, max: 9 * MiB }),
  /** Whole-request budget (headers and body); protects against slow senders. */
  HTTP_REQUEST_TIMEOUT_MS: envInt(30_000, { min: 1_000 }),

  // Publishing: the client library's batching (publishing/pubsub-publisher.ts)
  /** Most messages in one Publish request (Pub/Sub allows 1000). */
  PUBLISH_BATCH_MAX_MESSAGES: envInt(1000, { min: 1, max: 1000 }),
  /** Most bytes in one Publish request (Pub/Sub allows 10 MB per request). */
  PUBLISH_BATCH_MAX_BYTES: envInt(4 * MiB, { min: 64 * 1024, max: 9 * MiB }),
  /** How long a batch waits to fill before it is sent; every webhook waits at most this long for its batch. */
  PUBLISH_BATCH_MAX_DELAY_MS: envInt(1, { min: 0, max: 1_000 }),
  /** Webhooks accepted but not yet acknowledged by Pub/Sub; past it, 503 at once. */
  PUBLISH_MAX_IN_FLIGHT: envInt(2_000, { min: 1, max: 100_000 }),
  /** From receipt to Pub/Sub's acknowledgement, retries included; past it, 503. */
  PUBLISH_TIMEOUT_MS: envInt(10_000, { min: 100, max: 120_000 }),
  /** Seconds a 503 asks the sender to wait (`Retry-After`). */
  RETRY_AFTER_SECONDS: envInt(5, { min: 1, max: 3_600 }),
  /** How long a readiness probe result of the topic is reused. */
  READINESS_CACHE_MS: envInt(2_000, { min: 0, max: 60_000 }),

  // Ops routes
  /** Bearer token for ops routes, at least 32 characters (`openssl rand -hex 32`); unset disables them (403). */
  ADMIN_TOKEN: envOptionalString().refine((token) => token === undefined || token.length >= MIN_ADMIN_TOKEN_LENGTH, `must be at least ${MIN_ADMIN_TOKEN_LENGTH} characters`),
  /** How long `GET /refresh-cache` waits for the run by default; kept under Cloud Run's request timeout. */
  REFRESH_CACHE_WAIT_SECONDS: envInt(25, { min: 0, max: 3_600 }),
  /** Upper bound of `GET /refresh-cache?wait=N`. */
  COMMAND_WAIT_MAX_SECONDS: envInt(300, { min: 1, max: 3_600 }),
  /** How often a waiting request re-reads the run record. */
  COMMAND_POLL_INTERVAL_MS: envInt(500, { min: 50, max: 10_000 }),

  /** SIGTERM/SIGINT: drain in-flight requests and publishes, then exit, within this bound. */
  SHUTDOWN_TIMEOUT_MS: envInt(8_000, { min: 100, max: 120_000 }),
}).extend(sharedSettings.shape);

export type IngressConfig = z.output<typeof configSchema>;

/** With verification explicitly off, the signing key may be absent. */
const unsignedSchema = configSchema.extend({ PERISKOPE_SIGNING_KEY: envOptionalString() });

const FALSE = new Set(["0", "false", "no", "off"]);

/** Parses the environment; throws `ConfigError` naming every bad variable. */
export function loadIngressConfig(env: Env = process.env): IngressConfig {
  const verificationOff = FALSE.has((env.WEBHOOK_SIGNATURE_VERIFICATION ?? "").trim().toLowerCase());
  if (!verificationOff) return loadConfig(configSchema, env);
  if (!env.PUBSUB_EMULATOR_HOST?.trim()) {
    throw new ConfigError(["WEBHOOK_SIGNATURE_VERIFICATION: false is only allowed while publishing to the emulator (PUBSUB_EMULATOR_HOST)"]);
  }
  // The key stays typed as a string for callers; it is never read when verification is off.
  const config = loadConfig(unsignedSchema, env);
  return { ...config, PERISKOPE_SIGNING_KEY: config.PERISKOPE_SIGNING_KEY ?? "" };
}
