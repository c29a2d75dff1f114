import { describe, expect, it } from "vitest";
import type { Delivery } from "../source/delivery.ts";
import { deadLetterAttributes } from "./dead-letter-publisher.ts";

const delivery: Delivery = {
  id: "pubsub-42",
  data: Buffer.from("not json"),
  attributes: { event_type: "message.created", received_at: "2025-06-18T14:05:00Z", request_id: "r1", content_sha256: "abc", schema: "periskope.webhook.v1" },
  deliveryAttempt: 3,
  publishTime: 0,
  ack() {},
  nack() {},
};

describe("deadLetterAttributes", () => {
  it("keeps the original attributes and adds the reason", () => {
    expect(deadLetterAttributes(delivery, { errorKind: "invalid_json", errorMessage: "body is not valid JSON", stage: "decode" })).toEqual({
      ...delivery.attributes,
      error_kind: "invalid_json",
      error_message: "body is not valid JSON",
      stage: "decode",
      original_message_id: "pubsub-42",
      delivery_attempt: "3",
    });
  });

  it("keeps every value within Pub/Sub's 1024-byte attribute limit", () => {
    const attributes = deadLetterAttributes(delivery, { errorKind: "mapper_parsing_exception", errorMessage: "é".repeat(2_000), stage: "index" });
    expect(Buffer.byteLength(attributes.error_message!)).toBeLessThanOrEqual(1024);
    expect(attributes.error_message!.endsWith("…")).toBe(true);
  });
});
