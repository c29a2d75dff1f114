import { parsePeriskopeTime, readEnvelope } from "@periskope-pipeline/contracts";
import { describe, expect, it } from "vitest";
import { toRawBody, type WebhookPayload } from "./envelope.ts";
import { messageAck, messageCreated, messageCreatedBatch, messageDeleted, messageFlagged, messageUpdated } from "./message-events.ts";

const GROUP = "120363400000000001@g.us";
const USER = "447700900456@c.us";

function data(payload: WebhookPayload): Record<string, unknown> {
  return payload.data;
}

function envelopeOf(payload: WebhookPayload) {
  const result = readEnvelope(JSON.parse(toRawBody(payload)));
  if (!result.ok) throw new Error(result.message);
  return result.envelope;
}

describe("message builders", () => {
  it("build envelopes the pipeline's contract accepts, in the observed spelling by default", () => {
    for (const payload of [messageCreated(), messageUpdated(), messageAck(), messageDeleted(), messageFlagged(), messageFlagged({ flagged: false })]) {
      const envelope = envelopeOf(payload);
      expect(payload.event_type).toBe(envelope.eventType);
      expect(payload.event).toBeUndefined();
      expect(payload.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
    }
    expect([messageCreated(), messageAck(), messageFlagged({ flagged: false })].map((p) => p.event_type)).toEqual([
      "message.created",
      "message.ack.updated",
      "message.unflagged",
    ]);
  });

  it("use the docs spelling with `event` and a timestamp when asked", () => {
    const payload = messageCreated({ spelling: "event", index: 2 });
    expect(payload.event).toBe("message.created");
    expect(payload.event_type).toBeUndefined();
    expect(parsePeriskopeTime(payload.timestamp)).toBe(parsePeriskopeTime(data(payload).updated_at));
    expect(envelopeOf(payload).eventType).toBe("message.created");
  });

  it("are deterministic: same seed and index, same payload", () => {
    expect(toRawBody(messageCreated({ index: 9 }))).toBe(toRawBody(messageCreated({ index: 9 })));
    expect(data(messageCreated({ index: 9 })).message_id).not.toBe(data(messageCreated({ index: 10 })).message_id);
    expect(data(messageCreated({ index: 9, seed: "other" })).message_id).not.toBe(data(messageCreated({ index: 9 })).message_id);
  });

  it("name the same message across created, updated, ack and deleted", () => {
    const opts = { index: 4, chatId: GROUP };
    const ids = [messageCreated(opts), messageUpdated(opts), messageAck(opts), messageDeleted(opts)].map((p) => data(p).message_id);
    expect(new Set(ids).size).toBe(1);
  });

  it("give later events later version times (updated_at)", () => {
    const opts = { index: 4, chatId: USER };
    const times = [messageCreated(opts), messageAck({ ...opts, ack: 2 }), messageUpdated(opts), messageDeleted(opts)].map((p) =>
      parsePeriskopeTime(data(p).updated_at),
    );
    expect(times).toEqual([...times].sort((a, b) => (a ?? 0) - (b ?? 0)));
    expect(new Set(times).size).toBe(4);
  });

  it("follow WhatsApp's serialized id format, with the participant for inbound group messages", () => {
    const inbound = data(messageCreated({ index: 1, chatId: GROUP, fromMe: false }));
    expect(inbound.message_id).toMatch(new RegExp(`^false_${GROUP}_3EB0[0-9A-F]{16}_\\d+@c\\.us$`));
    expect(inbound.message_id).toBe(`false_${GROUP}_${inbound.unique_id}_${inbound.sender_phone}`);
    const outbound = data(messageCreated({ index: 1, chatId: USER, fromMe: true }));
    expect(outbound.message_id).toBe(`true_${USER}_${outbound.unique_id}`);
    expect(outbound.sender_phone).toBe("447700900123@c.us");
    expect((outbound.id as { _serialized: string })._serialized).toBe(outbound.message_id);
  });

  it("write message timestamps in the requested format", () => {
    expect(data(messageCreated({ index: 0 })).timestamp).toBe("2025-06-18 14:00:00+00");
    expect(data(messageCreated({ index: 0, timestampFormat: "iso-offset" })).timestamp).toBe("2025-06-18T14:00:00+00:00");
    expect(data(messageCreated({ index: 0, timestampFormat: "epoch-seconds" })).timestamp).toBe(1750255200);
  });

  it("send ack as a string by default and as a number when asked", () => {
    expect(data(messageAck({ ack: 3 })).ack).toBe("3");
    expect(data(messageAck({ ack: 3, ackAs: "number" })).ack).toBe(3);
  });

  it("record the edit's old text", () => {
    const payload = messageUpdated({ body: "Shipment 4411 is delayed", newBody: "Shipment 4411 arrives Friday" });
    expect(data(payload)).toMatchObject({ body: "Shipment 4411 arrives Friday", prev_body: "Shipment 4411 is delayed" });
    expect(payload.previous_attributes).toEqual({ body: "Shipment 4411 is delayed" });
  });

  it("mark deletions and read receipts", () => {
    expect(data(messageDeleted())).toMatchObject({ is_deleted: true });
    expect(data(messageAck({ ack: 4, fromMe: true, chatId: USER })).delivery_info).toMatchObject({ read_count: 1, delivered_count: 1, read: { [USER]: expect.any(Number) } });
  });

  it("attach media for media message types", () => {
    const image = data(messageCreated({ messageType: "image" }));
    expect(image).toMatchObject({ has_media: true, media: { mimetype: "image/jpeg" } });
    expect(data(messageCreated()).media).toBeNull();
  });

  it("produce realistic sizes: about 1 KB on average, with long messages on request", () => {
    const sizes = messageCreatedBatch({ count: 500 }).map((p) => Buffer.byteLength(toRawBody(p)));
    const mean = sizes.reduce((a, b) => a + b, 0) / sizes.length;
    expect(mean).toBeGreaterThan(1200);
    expect(mean).toBeLessThan(2500);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeGreaterThan(500);
    const long = String(data(messageCreated({ bodyLength: 1000 })).body);
    expect(long.length).toBeGreaterThanOrEqual(1000);
    expect(long.length).toBeLessThan(1200);
  });
});

describe("messageCreatedBatch", () => {
  it("builds distinct messages spread over the given chats", () => {
    const chats = [GROUP, USER];
    const batch = messageCreatedBatch({ count: 100, chatIds: chats, startIndex: 50 });
    expect(new Set(batch.map((p) => data(p).message_id)).size).toBe(100);
    expect(batch.map((p) => data(p).chat_id).slice(0, 4)).toEqual([GROUP, USER, GROUP, USER]);
    expect(data(batch[0] as WebhookPayload).message_id).toBe(data(messageCreated({ index: 50, chatId: GROUP })).message_id);
  });
});
