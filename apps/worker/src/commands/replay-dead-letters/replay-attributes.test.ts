import { describe, expect, it } from "vitest";
import { eventTypeOf, originalAttributes } from "./replay-attributes.ts";

describe("originalAttributes", () => {
  it("drops the worker's dead-letter reason and Pub/Sub's dead-letter attributes, keeps the ingress's", () => {
    const kept = originalAttributes({
      event_type: "message.created",
      received_at: "2025-06-18T14:00:00.000Z",
      request_id: "r1",
      content_sha256: "ab",
      schema: "periskope.webhook.v1",
      error_kind: "mapper_parsing_exception",
      error_message: "failed to parse field [ack]",
      stage: "index",
      original_message_id: "123",
      delivery_attempt: "1",
      CloudPubSubDeadLetterSourceDeliveryCount: "10",
      CloudPubSubDeadLetterSourceSubscription: "periskope-events-worker",
    });
    expect(kept).toEqual({
      event_type: "message.created",
      received_at: "2025-06-18T14:00:00.000Z",
      request_id: "r1",
      content_sha256: "ab",
      schema: "periskope.webhook.v1",
    });
  });

  it("accepts a message without attributes", () => {
    expect(originalAttributes(undefined)).toEqual({});
  });
});

describe("eventTypeOf", () => {
  it("prefers the attribute", () => {
    expect(eventTypeOf({ event_type: "chat.created" }, Buffer.from("{}"))).toBe("chat.created");
  });

  it("falls back to the body's envelope", () => {
    expect(eventTypeOf({}, Buffer.from(JSON.stringify({ event: "message.updated", data: {} })))).toBe("message.updated");
  });

  it("is undefined for a body that is not an envelope", () => {
    expect(eventTypeOf({}, Buffer.from("not json"))).toBeUndefined();
  });
});
