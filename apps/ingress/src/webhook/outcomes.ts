/**
 * Every way a webhook delivery can end, with its HTTP status and response body.
 *
 * One table, so the route, metrics and tests share the same low-cardinality codes (every envelope
 * error code of the contract must be here: the route indexes it by them). Bodies are serialised
 * once here: the hot path never calls `JSON.stringify`.
 *
 * Status policy (design §2, issue 4): 2xx only once Pub/Sub acknowledged the message; 4xx name what
 * is wrong with the request (Periskope should not retry those); 503 + `Retry-After` whenever the
 * event is not durably queued but a retry could succeed.
 */
export type OutcomeCode = keyof typeof TABLE;

export interface Outcome {
  readonly code: OutcomeCode;
  readonly status: 200 | 400 | 401 | 413 | 415 | 503;
  /** Pre-serialised JSON response body. */
  readonly body: string;
}

const TABLE = {
  accepted: [200, ""],
  body_too_large: [413, "request body exceeds the configured limit"],
  unsupported_media_type: [415, "content-type must be application/json (UTF-8)"],
  signature_missing: [401, "x-periskope-signature header is required"],
  signature_malformed: [401, "x-periskope-signature must be 64 hex characters (HMAC-SHA256)"],
  signature_mismatch: [401, "x-periskope-signature does not match the body"],
  body_unreadable: [400, "request body could not be read completely"],
  invalid_encoding: [400, "body is not valid UTF-8"],
  invalid_json: [400, "body is not valid JSON"],
  not_an_object: [400, "body must be a JSON object"],
  missing_event_type: [400, "body needs a short dotted `event_type` (or `event`) string"],
  invalid_data: [400, "`data` must be a JSON object"],
  overloaded: [503, "too many webhooks awaiting Pub/Sub; retry later"],
  publish_unavailable: [503, "the event queue is unavailable; retry later"],
  publish_timeout: [503, "the event queue did not acknowledge in time; retry later"],
  publish_misconfigured: [503, "the event queue rejected the publish; retry later"],
  shutting_down: [503, "this instance is shutting down; retry later"],
} as const satisfies Record<string, readonly [Outcome["status"], string]>;

export const OUTCOME_CODES = Object.keys(TABLE) as OutcomeCode[];

export const OUTCOMES = Object.fromEntries(
  OUTCOME_CODES.map((code) => {
    const [status, message] = TABLE[code];
    return [code, { code, status, body: code === "accepted" ? '{"status":"accepted"}' : JSON.stringify({ error: { code, message } }) }];
  }),
) as Readonly<Record<OutcomeCode, Outcome>>;
