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
} as const;

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
