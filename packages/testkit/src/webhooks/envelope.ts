/**
 * The webhook wrapper in both spellings (reference §5.3). Observed traffic:
 * `{ event_type, data, id, org_id, previous_attributes }`; the docs: `{ event, data, org_id,
 * timestamp }`. Tests should send both, since the pipeline must accept both.
 */
import { deterministicUuid, type Seed } from "./ids.ts";
import { formatTimestamp, type TimeInput, type TimestampFormat } from "./timestamps.ts";

export type EnvelopeSpelling = "event_type" | "event";

export interface WebhookPayload {
  event_type?: string;
  event?: string;
  id?: string;
  org_id: string;
  data: Record<string, unknown>;
  previous_attributes?: Record<string, unknown>;
  timestamp?: string | number;
}

export interface EnvelopeOptions {
  /** `event_type` (observed traffic, default) or `event` (docs). */
  spelling?: EnvelopeSpelling | undefined;
  /** Envelope id; derived from the seed and event when absent (only the `event_type` form has one). */
  envelopeId?: string | undefined;
  orgId?: string | undefined;
  previousAttributes?: Record<string, unknown> | undefined;
  /** When the event was emitted; the `event` form carries it as `timestamp`. */
  emittedAt?: TimeInput | undefined;
  emittedAtFormat?: TimestampFormat | undefined;
}

/** The fictional org every builder uses unless told otherwise (reference §7 examples). */
export const DEFAULT_ORG_ID = "7c1e2f3a-0b4d-4e5f-9a6b-1c2d3e4f5a6b";

export function wrapEvent(
  eventName: string,
  data: Record<string, unknown>,
  options: EnvelopeOptions & { seed: Seed; key: string; defaultEmittedAt: TimeInput },
): WebhookPayload {
  const orgId = options.orgId ?? DEFAULT_ORG_ID;
  if ((options.spelling ?? "event_type") === "event") {
    return {
      event: eventName,
      data,
      org_id: orgId,
      timestamp: formatTimestamp(options.emittedAt ?? options.defaultEmittedAt, options.emittedAtFormat ?? "iso-millis-offset"),
      ...(options.previousAttributes ? { previous_attributes: options.previousAttributes } : {}),
    };
  }
  return {
    event_type: eventName,
    id: options.envelopeId ?? deterministicUuid(options.seed, "envelope", eventName, options.key),
    org_id: orgId,
    previous_attributes: options.previousAttributes ?? {},
    data,
  };
}

/** The exact bytes to send: compact JSON, as Periskope appears to send it (reference §6). */
export function toRawBody(payload: WebhookPayload | Record<string, unknown>): string {
  return JSON.stringify(payload);
}
