export { createLogger } from "./logger.ts";
export type { Logger, LoggerSettings } from "./logger.ts";
export { Counter, Gauge, Histogram, LATENCY_BUCKETS_SECONDS, Registry, createMetricsRegistry } from "./metrics.ts";
