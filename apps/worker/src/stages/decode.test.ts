import { describe, expect, it } from "vitest";
import type { Delivery } from "../source/delivery.ts";
import { decode } from "./decode.ts";

function delivery(data: string, attributes: Record<string, string> = {}): Delivery {
  return { id: "m1", data: Buffer.from(data), attributes, deliveryAttempt: 1, publishTime: 1_750_000_000_000, ack() {}, nack() {} };
}

describe("decode", () => {
  it("reads the envelope and the ingress receive time", () => {
    const result = decode(delivery('{"event_type":"message.created","data":{"message_id":"x"}}', { received_at: "2025-06-18T14:05:00.250Z" }));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.event.envelope.eventType).toBe("message.created");
    expect(result.event.receivedAt).toBe(Date.parse("2025-06-18T14:05:00.250Z"));
    expect(result.event.body).toEqual({ event_type: "message.created", data: { message_id: "x" } });
  });

  it("falls back to the publish time without a received_at attribute", () => {
    const result = decode(delivery('{"event":"chat.created","data":{}}'));
    expect(result.ok && result.event.receivedAt).toBe(1_750_000_000_000);
  });

  it.each([
    ["not json", "invalid_json"],
    ["[1,2]", "not_an_object"],
    ['{"data":{}}', "missing_event_type"],
    ['{"event_type":"message.created","data":"x"}', "invalid_data"],
  ])("dead-letters %s as %s at the decode stage", (body, kind) => {
    const result = decode(delivery(body));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.outcome).toMatchObject({ kind: "dead-letter", errorKind: kind, stage: "decode" });
  });
});
