import { describe, expect, it } from "vitest";
import type { Delivery } from "../source/delivery.ts";
import { DEAD_LETTER_EVENT_TYPE, deadLetterRecord } from "./dead-letter-records.ts";

function delivery(id: string, attributes: Record<string, string> = {}): Delivery {
  return { id, data: Buffer.from(`not json ${id}`), attributes, deliveryAttempt: 2, publishTime: 0, ack() {}, nack() {} };
}
const reason = { errorKind: "invalid_json", errorMessage: "body is not valid JSON", stage: "decode" };

describe("deadLetterRecord", () => {
  it("is an events-index document with the reason under dead_letter and a stable id", () => {
    const now = new Date("2026-01-02T03:04:05.000Z");
    const { id, document } = deadLetterRecord(delivery("m-1", { received_at: "2026-01-02T03:04:00.000Z", content_sha256: "abc", event_type: "message.created" }), reason, now);
    expect(id).toBe("dead-letter-m-1");
    expect(document).toEqual({
      event_type: DEAD_LETTER_EVENT_TYPE,
      event_id: "m-1",
      content_sha256: "abc",
      "@timestamp": now.toISOString(),
      indexed_at: now.toISOString(),
      received_at: "2026-01-02T03:04:00.000Z",
      dead_letter: {
        error_kind: "invalid_json",
        stage: "decode",
        error_message: "body is not valid JSON",
        original_message_id: "m-1",
        delivery_attempt: 2,
        event_type: "message.created",
        body_preview: "not json m-1",
      },
    });
  });

  it("hashes the body when the attributes carry no digest, and drops a received_at that is not a time", () => {
    const { document } = deadLetterRecord(delivery("m-2", { received_at: "yesterday" }), reason, new Date());
    expect(document.content_sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(document).not.toHaveProperty("received_at");
  });
});
