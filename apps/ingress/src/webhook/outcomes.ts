/**
 * Every way a webhook delivery can end, with its HTTP status and response body.
 *
 * One table, so the route, metrics and tests share the same low-cardinality codes. Bodies are
 * serialised once here: the hot path never calls `JSON.stringify`.
 *
 * Status policy (design §2, issue 4): 2xx only once Pub/Sub acknowledged the message; 4xx name what
 * is wrong with the request (Periskope should not retry those); 503 + `Retry-After` whenever the
 * event is not durably queued but a retry could succeed.
 */
import type { EnvelopeErrorCode } from "@periskope-pipeline/contracts";

export type RejectionCode =
  | "body_too_large"
  | "unsupported_media_type"
  | "signature_missing"
  | "signature_malformed"
  | "signature_mismatch"
  | "body_unreadable"
  | "invalid_encoding"
  | EnvelopeErrorCode;

/** Why an event that passed every check was still not queued. */
export type UnavailableCode = "overloaded" | "publish_unavailable" | "publish_timeout" | "publish_misconfigured" | "shutting_down";

export type OutcomeCode = "accepted" | RejectionCode | UnavailableCode;

export interface Outcome {
  readonly code: OutcomeCode;
  readonly status: 200 | 400 | 401 | 413 | 415 | 503;
  /** Pre-serialised JSON response body. */
  readonly body: string;
}

const MESSAGES: Record<Exclude<OutcomeCode, "accepted">, string> = {
  body_too_large: "request body exceeds the configured limit",
  unsupported_media_type: "content-type must be application/json (UTF-8)",
  signature_missing: "x-periskope-signature header is required",
  signature_malformed: "x-periskope-signature must be 64 hex characters (HMAC-SHA256)",
  signature_mismatch: "x-periskope-signature does not match the body",
  body_unreadable: "request body could not be read completely",
  invalid_encoding: "body is not valid UTF-8",
  invalid_json: "body is not valid JSON",
  not_an_object: "body must be a JSON object",
  missing_event_type: "body needs a short dotted `event_type` (or `event`) string",
  invalid_data: "`data` must be a JSON object",
  overloaded: "too many webhooks awaiting Pub/Sub; retry later",
  publish_unavailable: "the event queue is unavailable; retry later",
  publish_timeout: "the event queue did not acknowledge in time; retry later",
  publish_misconfigured: "the event queue rejected the publish; retry later",
  shutting_down: "this instance is shutting down; retry later",
};

const STATUS: Record<Exclude<OutcomeCode, "accepted">, Outcome["status"]> = {
  body_too_large: 413,
  unsupported_media_type: 415,
  signature_missing: 401,
  signature_malformed: 401,
  signature_mismatch: 401,
  body_unreadable: 400,
  invalid_encoding: 400,
  invalid_json: 400,
  not_an_object: 400,
  missing_event_type: 400,
  invalid_data: 400,
  overloaded: 503,
  publish_unavailable: 503,
  publish_timeout: 503,
  publish_misconfigured: 503,
  shutting_down: 503,
};

export const OUTCOME_CODES: readonly OutcomeCode[] = ["accepted", ...(Object.keys(MESSAGES) as Exclude<OutcomeCode, "accepted">[])];

const ACCEPTED: Outcome = { code: "accepted", status: 200, body: '{"status":"accepted"}' };

export const OUTCOMES: Readonly<Record<OutcomeCode, Outcome>> = Object.fromEntries(
  OUTCOME_CODES.map((code) =>
    code === "accepted"
      ? [code, ACCEPTED]
      : [code, { code, status: STATUS[code], body: JSON.stringify({ error: { code, message: MESSAGES[code] } }) }],
  ),
) as Record<OutcomeCode, Outcome>;
