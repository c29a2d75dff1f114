/**
 * The Periskope webhook envelope, as both the ingress (to refuse what is wrong) and the worker (to
 * decode what it pulls) read it.
 *
 * Docs put the event name in `event`, observed traffic in `event_type` (reference §5.3), so the name
 * is `event_type ?? event`. Everything but the name and a `data` object is optional.
 *
 * @example
 * const parsed = parseEnvelope(Buffer.from('{"event_type":"message.created","data":{}}'));
 * if (parsed.ok) console.log(parsed.envelope.eventType); // "message.created"
 */

/** Why a body is not a webhook envelope; low-cardinality, used in 400 bodies, metrics and dead-letters. */
export type EnvelopeErrorCode =
  | "invalid_json"
  | "not_an_object"
  | "missing_event_type"
  | "invalid_data";

export interface WebhookEnvelope {
  /** `event_type ?? event` */
  readonly eventType: string;
  readonly data: Record<string, unknown>;
  /** Envelope id when Periskope sends one (observed traffic does). */
  readonly id?: string;
  readonly orgId?: string;
  /** Envelope timestamp as sent (format varies). */
  readonly timestamp?: unknown;
  readonly previousAttributes?: Record<string, unknown>;
}

export type EnvelopeResult =
  | { readonly ok: true; readonly envelope: WebhookEnvelope }
  | { readonly ok: false; readonly code: EnvelopeErrorCode; readonly message: string };

/** Longest event name accepted; Periskope's are under 40 characters. */
const MAX_EVENT_TYPE_LENGTH = 128;
const EVENT_TYPE_PATTERN = /^[A-Za-z0-9_.:-]+$/;

const fail = (code: EnvelopeErrorCode, message: string): EnvelopeResult => ({ ok: false, code, message });

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Checks an already-parsed JSON value. */
export function readEnvelope(body: unknown): EnvelopeResult {
  if (!isPlainObject(body)) return fail("not_an_object", "body must be a JSON object");
  const name = body.event_type ?? body.event;
  if (typeof name !== "string" || name.length === 0) {
    return fail("missing_event_type", "body needs a string `event_type` (or `event`)");
  }
  if (name.length > MAX_EVENT_TYPE_LENGTH || !EVENT_TYPE_PATTERN.test(name)) {
    return fail("missing_event_type", "`event_type` must be a short dotted name");
  }
  if (!isPlainObject(body.data)) return fail("invalid_data", "`data` must be a JSON object");
  const envelope: WebhookEnvelope = {
    eventType: name,
    data: body.data,
    ...(typeof body.id === "string" ? { id: body.id } : {}),
    ...(typeof body.org_id === "string" ? { orgId: body.org_id } : {}),
    ...(body.timestamp !== undefined ? { timestamp: body.timestamp } : {}),
    ...(isPlainObject(body.previous_attributes) ? { previousAttributes: body.previous_attributes } : {}),
  };
  return { ok: true, envelope };
}

/** Parses raw webhook bytes (UTF-8 JSON) and checks the envelope. Never throws. */
export function parseEnvelope(raw: Uint8Array | string): EnvelopeResult {
  let body: unknown;
  try {
    body = JSON.parse(typeof raw === "string" ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString("utf8"));
  } catch {
    return fail("invalid_json", "body is not valid JSON");
  }
  return readEnvelope(body);
}
