export { envBoolean, envInt, envList, envLogLevel, envOptionalString, envSecret, envString, envUrl } from "./env-types.ts";
export { ConfigError, knownVariables, loadConfig, loadDotEnv, redactConfig, requiredVariables } from "./load-config.ts";
export type { Env } from "./load-config.ts";
export { missingNodeFlags } from "./node-flags.ts";
export { SECRET_VARIABLES, elasticsearchSettings, periskopeApiSettings, pubsubSettings } from "./settings.ts";
