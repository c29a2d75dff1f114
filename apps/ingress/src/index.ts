/**
 * @periskope-pipeline/ingress: the webhook intake (design §2). `main.ts` runs it; these exports let
 * tests, tools and deployment checks use its pieces without starting a server.
 */
export { createApp, type AppDependencies, type AppSettings, type IngressEnv } from "./app.ts";
export { configSchema, loadIngressConfig, type IngressConfig } from "./config.ts";
export { createIngressMetrics, type IngressMetrics } from "./metrics.ts";
export { WEBHOOK_ROUTE } from "./routes.ts";
export { OUTCOMES, OUTCOME_CODES, type Outcome, type OutcomeCode } from "./webhook/outcomes.ts";
export { SIGNATURE_HEADER, createSignatureVerifier, type SignatureCheck } from "./webhook/signature.ts";
export { PublishError, type EventPublisher, type OutboundMessage, type PublishErrorCode } from "./publishing/event-publisher.ts";
export { MemoryPublisher } from "./publishing/memory-publisher.ts";
