/**
 * Build: decoded event + resolved names → one bulk operation (design §3.5, §4).
 *
 * Message events upsert the message document: `_id` = `message_id` (a redelivery overwrites, never
 * duplicates) and `external_gte` with the version of the event's state (see event-version.ts for
 * the order; a time out of range is dead-lettered, see event-time.ts); the Periskope
 * fields are kept as sent and the pipeline's own fields are added. Every other event goes raw into
 * the events index, keyed by the envelope id or, without one, the body's SHA-256.
 */
import { createHash } from "node:crypto";
import { EventAttribute, isMessageEvent, parsePeriskopeTime, type MessageEventType } from "@periskope-pipeline/contracts";
import type { ChatNameResolution, UnresolvedReason } from "../chat-names/index.ts";
import { deadLetter, type Outcome } from "../settle/outcome.ts";
import type { DecodedEvent } from "./decoded-event.ts";
import { DEFAULT_EVENT_TIME_MAX_SKEW_MS, eventTime, eventTimeProblem } from "./event-time.ts";
import { messageVersion } from "./event-version.ts";

/** Elasticsearch refuses `_id`s longer than 512 bytes. */
const MAX_ID_BYTES = 512;

export interface BulkOperation {
  readonly action: { readonly index: Record<string, unknown> };
  readonly document: Record<string, unknown>;
}

export interface BuiltDocument {
  readonly operation: BulkOperation;
  /** Set when a message was built without its chat's name. */
  readonly unresolved?: { readonly chatId: string; readonly reason: UnresolvedReason; readonly phone: string | undefined };
}

export type BuildResult = { readonly ok: true; readonly built: BuiltDocument } | { readonly ok: false; readonly outcome: Outcome };

export interface TargetIndices {
  readonly messages: string;
  readonly events: string;
}

export function buildDocument(
  event: DecodedEvent,
  names: ReadonlyMap<string, ChatNameResolution>,
  indices: TargetIndices,
  indexedAt: string,
  /** `EVENT_TIME_MAX_SKEW_SECONDS` in ms: how far after its receive time a message event's time may be. */
  eventTimeMaxSkewMs = DEFAULT_EVENT_TIME_MAX_SKEW_MS,
): BuildResult {
  const type = event.envelope.eventType;
  return isMessageEvent(type) ? buildMessage(event, type, names, indices.messages, indexedAt, eventTimeMaxSkewMs) : buildEvent(event, indices.events, indexedAt);
}

function buildMessage(
  event: DecodedEvent,
  eventType: MessageEventType,
  names: ReadonlyMap<string, ChatNameResolution>,
  index: string,
  indexedAt: string,
  maxSkewMs: number,
): BuildResult {
  const { envelope, receivedAt } = event;
  const data = envelope.data;
  const messageId = data.message_id;
  if (typeof messageId !== "string" || messageId === "" || Buffer.byteLength(messageId) > MAX_ID_BYTES) {
    return { ok: false, outcome: deadLetter("build", "invalid_message_id", "message event needs a string data.message_id of 1-512 bytes") };
  }
  const time = eventTime(envelope, receivedAt);
  const problem = eventTimeProblem(time, receivedAt, maxSkewMs);
  if (problem !== undefined) return { ok: false, outcome: deadLetter("build", "event_time_out_of_range", problem) };
  const version = messageVersion(eventType, time);
  const chatId = typeof data.chat_id === "string" && data.chat_id !== "" ? data.chat_id : undefined;
  const resolution = chatId !== undefined ? names.get(chatId) : undefined;
  const name = resolution?.status === "resolved" ? resolution : undefined;
  // The message object was parsed for this delivery alone, so it becomes the document in place:
  // no copy of every message per batch (the worker's allocation rate is what sets its memory).
  const document: Record<string, unknown> = data;
  document.chat_name = name ? name.name : null;
  document.chat_name_status = name ? "resolved" : "unresolved";
  document.event_type = envelope.eventType;
  document["@timestamp"] = iso(parsePeriskopeTime(data.timestamp) ?? time);
  document.event_time = iso(time);
  document.received_at = iso(receivedAt);
  document.indexed_at = indexedAt;
  if (name?.chatType !== undefined && document.chat_type === undefined) document.chat_type = name.chatType;
  if (envelope.id !== undefined) document.event_id = envelope.id;
  if (envelope.eventType === "message.deleted") document.is_deleted = true;
  const operation: BulkOperation = { action: { index: { _index: index, _id: messageId, version, version_type: "external_gte" } }, document };
  if (name || chatId === undefined) return { ok: true, built: { operation } };
  const reason: UnresolvedReason = resolution?.status === "unresolved" ? resolution.reason : "unavailable";
  const phone = typeof data.org_phone === "string" ? data.org_phone : undefined;
  return { ok: true, built: { operation, unresolved: { chatId, reason, phone } } };
}

function buildEvent(event: DecodedEvent, index: string, indexedAt: string): BuildResult {
  const { envelope, delivery, body, receivedAt } = event;
  const sha = delivery.attributes[EventAttribute.contentSha256] || createHash("sha256").update(delivery.data).digest("hex");
  const id = envelope.id !== undefined && envelope.id !== "" && Buffer.byteLength(envelope.id) <= MAX_ID_BYTES ? envelope.id : sha;
  const time = parsePeriskopeTime(envelope.timestamp) ?? parsePeriskopeTime(envelope.data.timestamp) ?? receivedAt;
  const document: Record<string, unknown> = {
    event_type: envelope.eventType,
    content_sha256: sha,
    payload: body,
    "@timestamp": iso(time),
    received_at: iso(receivedAt),
    indexed_at: indexedAt,
  };
  if (envelope.id !== undefined) document.event_id = envelope.id;
  if (envelope.orgId !== undefined) document.org_id = envelope.orgId;
  if (typeof envelope.data.chat_id === "string") document.chat_id = envelope.data.chat_id;
  return { ok: true, built: { operation: { action: { index: { _index: index, _id: id } }, document } } };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
