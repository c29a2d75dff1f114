/**
 * @periskope-pipeline/worker — an app (its entry point is `main.ts`); these are the pieces tools and
 * benchmarks reuse: the settings schema, the metrics factory, the assembly, chat-name filling, and
 * the order of a message's states (an oracle's expected final document).
 */
export { configSchema, workerSettings, type WorkerConfig } from "./config.ts";
export { createWorkerMetrics, type WorkerMetrics } from "./metrics.ts";
export { createWorker, type Worker, type WorkerDeps, type WorkerSettings } from "./worker.ts";
export { WORKER_NODE_FLAGS } from "./node-flags.ts";
export { fillChatNames, type ChatNameUpdate, type FillChatNamesOptions, type FillChatNamesResult } from "./chat-names/index.ts";
export { finalMessageEvent, messageEventVersion, type ReceivedWebhook } from "./stages/final-message-event.ts";
export { EVENT_KIND_RANK, messageVersion } from "./stages/event-version.ts";
