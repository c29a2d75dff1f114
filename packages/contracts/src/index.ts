export { parseEnvelope, readEnvelope } from "./webhook-envelope.ts";
export type { EnvelopeErrorCode, EnvelopeResult, WebhookEnvelope } from "./webhook-envelope.ts";
export { DeadLetterAttribute, EventAttribute, WEBHOOK_SCHEMA } from "./pubsub-message.ts";
export type { EventAttributes } from "./pubsub-message.ts";
export { CHAT_CREATED, CHAT_NOTIFICATION_CREATED, MESSAGE_EVENT_TYPES, isMessageEvent } from "./event-types.ts";
export type { MessageEventType } from "./event-types.ts";
export { parsePeriskopeTime } from "./periskope-time.ts";
