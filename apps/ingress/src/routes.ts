/** Route paths, named once: the app, metrics and tests refer to these. */
export const WEBHOOK_ROUTE = "/periskopewebhook";
export const rootPath = "/";
export const healthzPath = "/healthz";
export const readyzPath = "/readyz";
export const metricsPath = "/metrics";
