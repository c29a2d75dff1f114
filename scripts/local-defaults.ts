import { elasticsearchSettings, pubsubSettings, SECRET_VARIABLES } from "@periskope-pipeline/config";

/**
 * Values `npm start` fills in when the environment (or `.env`) leaves them unset, so the stack
 * runs with no setup. Documented in `.env.example`; none of them is fit for production.
 */
export const LOCAL_DEFAULTS = {
  PUBSUB_PROJECT_ID: "periskope-local",
  PERISKOPE_API_KEY: "local-periskope-api-key",
  PERISKOPE_SIGNING_KEY: "local-signing-key",
  // The ingress refuses admin tokens shorter than 32 characters.
  ADMIN_TOKEN: "local-admin-token-not-for-production",
  PORT: "8080",
  WORKER_METRICS_PORT: "9464",
  SIMULATOR_PORT: "4010",
  // Local services listen on loopback only: a laptop on a café network exposes nothing.
  HOST: "127.0.0.1",
  WORKER_METRICS_HOST: "127.0.0.1",
  SIMULATOR_HOST: "127.0.0.1",
} as const;

/** The ports `npm start`'s own apps bind, with the variables that move them. */
export const APP_PORTS = [
  { name: "ingress", portVariable: "PORT", hostVariable: "HOST" },
  { name: "worker", portVariable: "WORKER_METRICS_PORT", hostVariable: "WORKER_METRICS_HOST" },
  { name: "simulator", portVariable: "SIMULATOR_PORT", hostVariable: "SIMULATOR_HOST" },
] as const;

export interface LocalEndpoints {
  elasticsearchUrl: string;
  pubsubEmulatorHost: string;
  /** The Periskope API base the apps call: the simulator's, unless PERISKOPE_API_URL was given. */
  periskopeApiUrl: string;
  /** Phones the simulator serves, used when PERISKOPE_PHONES is unset. */
  periskopePhones: readonly string[];
}

/** The environment every app process gets: the caller's settings win over local defaults. */
export function localEnvironment(base: NodeJS.ProcessEnv, endpoints: LocalEndpoints): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  for (const [name, value] of Object.entries(LOCAL_DEFAULTS)) env[name] ||= value;
  env.ELASTICSEARCH_URL = endpoints.elasticsearchUrl;
  env.PUBSUB_EMULATOR_HOST = endpoints.pubsubEmulatorHost;
  env.PERISKOPE_API_URL = endpoints.periskopeApiUrl;
  env.PERISKOPE_PHONES ||= endpoints.periskopePhones.join(",");
  // No GCP here: Google's auth library must not probe the metadata server.
  env.METADATA_SERVER_DETECTION = "none";
  return env;
}

/**
 * The settings another shell needs to reach this stack (the ops CLI reads them from the start
 * record): every shared Elasticsearch and Pub/Sub setting that is set, except secrets, which stay
 * in the environment and `.env` only.
 */
export function recordedSettings(env: NodeJS.ProcessEnv): Record<string, string> {
  const names = [...Object.keys(elasticsearchSettings), ...Object.keys(pubsubSettings)];
  const secret = new Set<string>(SECRET_VARIABLES);
  return Object.fromEntries(names.filter((name) => env[name] && !secret.has(name)).map((name) => [name, env[name] as string]));
}
