/**
 * What the ingress publishes and the worker pulls: `data` is the raw webhook body exactly as
 * received (auditable, replayable); these attributes travel with it (design §2).
 */

export const WEBHOOK_SCHEMA = "periskope.webhook.v1";

export const EventAttribute = {
  eventType: "event_type",
  receivedAt: "received_at",
  requestId: "request_id",
  contentSha256: "content_sha256",
  schema: "schema",
} as const;

export interface EventAttributes {
  readonly event_type: string;
  /** ISO-8601 time the ingress received the webhook. */
  readonly received_at: string;
  readonly request_id: string;
  /** Lowercase hex SHA-256 of the body: lets replays and audits prove the bytes are untouched. */
  readonly content_sha256: string;
  readonly schema: typeof WEBHOOK_SCHEMA;
}

/** Attributes on a dead-letter record (design §3, worker issue). */
export const DeadLetterAttribute = {
  errorKind: "error_kind",
  errorMessage: "error_message",
  stage: "stage",
  originalMessageId: "original_message_id",
  deliveryAttempt: "delivery_attempt",
} as const;
