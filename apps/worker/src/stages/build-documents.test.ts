import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { ChatNameResolution } from "../chat-names/index.ts";
import { buildDocument, type BuildResult } from "./build-documents.ts";
import { decode } from "./decode.ts";
import { messageVersion } from "./event-version.ts";

const INDICES = { messages: "msgs", events: "evts" };
const NOW = "2025-06-18T15:00:00.000Z";

function event(body: unknown, attributes: Record<string, string> = { received_at: "2025-06-18T14:05:01.000Z" }) {
  const data = Buffer.from(JSON.stringify(body));
  const result = decode({ id: "p1", data, attributes, deliveryAttempt: 1, publishTime: 0, ack() {}, nack() {} });
  if (!result.ok) throw new Error("fixture must decode");
  return result.event;
}

function built(result: BuildResult) {
  if (!result.ok) throw new Error(`expected a document, got ${JSON.stringify(result.outcome)}`);
  return result.built;
}

const message = {
  message_id: "false_120363400000000001@g.us_3EB0A1B2_447700900456@c.us",
  chat_id: "120363400000000001@g.us",
  org_phone: "447700900123@c.us",
  body: "Shipment 4411 is delayed until Friday",
  timestamp: "2025-06-18 14:05:00+00",
  ack: "1",
};

describe("buildDocument", () => {
  it("upserts a message by message_id with its chat name and an external_gte version", () => {
    const names = new Map<string, ChatNameResolution>([[message.chat_id, { status: "resolved", name: "Acme Ops", chatType: "group" }]]);
    const doc = built(buildDocument(event({ event_type: "message.created", id: "evt-1", data: message }), names, INDICES, NOW));
    expect(doc.operation.action.index).toEqual({ _index: "msgs", _id: message.message_id, version: messageVersion("message.created", Date.parse("2025-06-18T14:05:00Z")), version_type: "external_gte" });
    expect(doc.operation.document).toMatchObject({
      ...message,
      chat_name: "Acme Ops",
      chat_name_status: "resolved",
      chat_type: "group",
      event_type: "message.created",
      event_id: "evt-1",
      "@timestamp": "2025-06-18T14:05:00.000Z",
      event_time: "2025-06-18T14:05:00.000Z",
      received_at: "2025-06-18T14:05:01.000Z",
      indexed_at: NOW,
    });
    expect(doc.unresolved).toBeUndefined();
  });

  it("indexes a message without a name as unresolved and says which chat to fill later", () => {
    const names = new Map<string, ChatNameResolution>([[message.chat_id, { status: "unresolved", reason: "unknown" }]]);
    const doc = built(buildDocument(event({ event_type: "message.created", data: message }), names, INDICES, NOW));
    expect(doc.operation.document).toMatchObject({ chat_name: null, chat_name_status: "unresolved" });
    expect(doc.unresolved).toEqual({ chatId: message.chat_id, reason: "unknown", phone: message.org_phone });
  });

  it("marks deleted messages and keeps the document", () => {
    const doc = built(buildDocument(event({ event_type: "message.deleted", data: { ...message, updated_at: "2025-06-18T14:10:00Z" } }), new Map(), INDICES, NOW));
    expect(doc.operation.document.is_deleted).toBe(true);
    expect(doc.operation.action.index.version).toBe(messageVersion("message.deleted", Date.parse("2025-06-18T14:10:00Z")));
  });

  it("dead-letters a message event whose time is beyond the allowed skew, or before 2010", () => {
    const future = event({ event_type: "message.updated", data: { ...message, updated_at: "2025-06-19T14:05:02Z" } });
    expect(buildDocument(future, new Map(), INDICES, NOW, 60_000)).toMatchObject({ ok: false, outcome: { kind: "dead-letter", errorKind: "event_time_out_of_range", stage: "build" } });
    expect(buildDocument(future, new Map(), INDICES, NOW).ok).toBe(false);
    const ancient = event({ event_type: "message.updated", data: { ...message, updated_at: "2001-06-18T14:05:00Z" } });
    expect(buildDocument(ancient, new Map(), INDICES, NOW)).toMatchObject({ ok: false, outcome: { errorKind: "event_time_out_of_range" } });
    // Within the skew it is indexed, and its event_time is the time, not the version.
    const early = built(buildDocument(event({ event_type: "message.updated", data: { ...message, updated_at: "2025-06-18T14:06:01Z" } }), new Map(), INDICES, NOW, 60_000));
    expect(early.operation.document.event_time).toBe("2025-06-18T14:06:01.000Z");
  });

  it("indexes other events whatever their time: they version nothing", () => {
    const body = { event_type: "reaction.created", id: "evt-far", data: { chat_id: "c@g.us", timestamp: "2099-01-01T00:00:00Z" } };
    expect(buildDocument(event(body), new Map(), INDICES, NOW, 0).ok).toBe(true);
  });

  it("dead-letters a message event without a usable message_id", () => {
    const result = buildDocument(event({ event_type: "message.updated", data: { chat_id: "x" } }), new Map(), INDICES, NOW);
    expect(result).toMatchObject({ ok: false, outcome: { kind: "dead-letter", errorKind: "invalid_message_id", stage: "build" } });
  });

  it("indexes any other event raw, keyed by the envelope id", () => {
    const body = { event_type: "reaction.created", id: "evt-9", org_id: "org", data: { chat_id: "c@g.us", reaction: "👍" } };
    const doc = built(buildDocument(event(body), new Map(), INDICES, NOW));
    expect(doc.operation.action.index).toEqual({ _index: "evts", _id: "evt-9" });
    expect(doc.operation.document).toMatchObject({ event_id: "evt-9", event_type: "reaction.created", org_id: "org", chat_id: "c@g.us", payload: body });
  });

  it("keys an event without an envelope id by the body's SHA-256", () => {
    const body = { event: "org.phone.updated", data: { org_phone: "1@c.us" } };
    const raw = JSON.stringify(body);
    const doc = built(buildDocument(event(body, {}), new Map(), INDICES, NOW));
    expect(doc.operation.action.index._id).toBe(createHash("sha256").update(raw).digest("hex"));
  });
});
