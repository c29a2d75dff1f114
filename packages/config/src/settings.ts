/**
 * Setting groups shared by the apps and tools (design §6). Each app builds its schema from the groups
 * it needs plus its own settings, so names and defaults are defined once.
 */
import { envInt, envList, envOptionalString, envString, envUrl } from "./env-types.ts";

export const elasticsearchSettings = {
  ELASTICSEARCH_URL: envUrl("http://127.0.0.1:9200"),
  ELASTICSEARCH_API_KEY: envOptionalString(),
  ELASTICSEARCH_USERNAME: envOptionalString(),
  ELASTICSEARCH_PASSWORD: envOptionalString(),
  /** The ES client has no default request timeout (v9); a stuck request must not stall a batch. */
  ELASTICSEARCH_REQUEST_TIMEOUT_MS: envInt(30_000, { min: 100 }),
  ELASTICSEARCH_INDEX: envString("whatsapp_messages"),
  ELASTICSEARCH_CACHE_INDEX: envString("whatsapp_chat_names"),
  ELASTICSEARCH_EVENTS_INDEX: envString("whatsapp_events"),
  ELASTICSEARCH_COMMANDS_INDEX: envString("pipeline_commands"),
};

export const pubsubSettings = {
  PUBSUB_PROJECT_ID: envString("periskope-local"),
  /** host:port of the emulator; unset means real Google Cloud with application default credentials. */
  PUBSUB_EMULATOR_HOST: envOptionalString(),
  PUBSUB_EVENTS_TOPIC: envString("periskope-events"),
  PUBSUB_EVENTS_SUBSCRIPTION: envString("periskope-events-worker"),
  PUBSUB_COMMANDS_TOPIC: envString("pipeline-commands"),
  PUBSUB_COMMANDS_SUBSCRIPTION: envString("pipeline-commands-worker"),
  PUBSUB_DEAD_LETTER_TOPIC: envString("periskope-events-dead"),
  PUBSUB_DEAD_LETTER_SUBSCRIPTION: envString("periskope-events-dead-replay"),
  /** The worker reads every dead letter from it and records it in the events index. */
  PUBSUB_DEAD_LETTER_RECORDS_SUBSCRIPTION: envString("periskope-events-dead-records"),
};

export const periskopeApiSettings = {
  PERISKOPE_API_URL: envUrl("https://api.periskope.app/v1"),
  PERISKOPE_API_KEY: envOptionalString(),
  /** Phones (digits with country code) sent as `x-phone`; the first one is used for single lookups. */
  PERISKOPE_PHONES: envList(),
  PERISKOPE_CONCURRENCY: envInt(8, { min: 1, max: 256 }),
  PERISKOPE_TIMEOUT_MS: envInt(30_000, { min: 100 }),
};

/** Secret-bearing variables: never logged, never baked into images, always from a secret store. */
export const SECRET_VARIABLES = [
  "ELASTICSEARCH_API_KEY",
  "ELASTICSEARCH_PASSWORD",
  "PERISKOPE_API_KEY",
  "PERISKOPE_SIGNING_KEY",
  "ADMIN_TOKEN",
] as const;
