/**
 * @periskope-pipeline/testkit — a Periskope API simulator and realistic signed webhooks, for
 * tests and benchmarks. (The vitest global setup lives in `stack-setup.ts`, loaded by path.)
 */

// Periskope API simulator
export { startSimulator, type SimulatorHandle, type StartSimulatorOptions } from "./simulator/start.ts";
export { createSimulatorApp } from "./simulator/app.ts";
export { DEFAULT_SIMULATOR_CHATS, DEFAULT_SIMULATOR_PHONES, SimulatorController, type SimulatorOptions } from "./simulator/controller.ts";
export {
  faultsSchema,
  oneShotFaultSchema,
  type FaultAction,
  type FaultActionInput,
  type Faults,
  type FaultsInput,
  type OneShotFault,
  type OneShotFaultInput,
} from "./simulator/faults.ts";
export type { SimulatorStats } from "./simulator/stats.ts";
export type { SimulatedChat, SimulatedChatType, SimulatedMember } from "./simulator/simulated-chat.ts";
export { createChatGenerator, type ChatGenerator, type ChatGeneratorOptions } from "./simulator/chat-generator.ts";
export { readSimulatorConfig, type SimulatorProcessConfig } from "./simulator/main-config.ts";

// Realistic signed webhooks
export { DEFAULT_ORG_ID, toRawBody, type EnvelopeOptions, type EnvelopeSpelling, type WebhookPayload } from "./webhooks/envelope.ts";
export { buildMessage, DEFAULT_ORG_PHONE, DEFAULT_SEED, type MessageData, type MessageOptions } from "./webhooks/message.ts";
export {
  messageAck,
  messageCreated,
  messageCreatedBatch,
  messageDeleted,
  messageFlagged,
  messageUpdated,
  type MessageBatchOptions,
  type MessageEventOptions,
} from "./webhooks/message-events.ts";
export { chatCreated, groupNotification, subjectNotification, type ChatCreatedOptions, type NotificationOptions } from "./webhooks/chat-events.ts";
export { reactionCreated, ticketCreated, webhookEvent } from "./webhooks/other-events.ts";
export { formatTimestamp, TIMESTAMP_FORMATS, type TimestampFormat } from "./webhooks/timestamps.ts";
export { SIGNATURE_HEADER, signBody, signedHeaders } from "./webhooks/sign.ts";
export { sendWebhook, sendWebhooks, type BulkSendOptions, type BulkSendResult, type SendOptions, type SendResult } from "./webhooks/send.ts";
export { PostTimeoutError } from "./webhooks/http-post.ts";
export { sendLikePeriskope, type PeriskopeSenderOptions, type PeriskopeSendResult } from "./webhooks/periskope-sender.ts";
