import { describe, expect, it } from "vitest";
import { parseEnvelope } from "./webhook-envelope.ts";

describe("parseEnvelope", () => {
  it("takes the event name from event_type, the observed spelling", () => {
    const r = parseEnvelope('{"event_type":"message.created","id":"e1","org_id":"o","data":{"message_id":"m"}}');
    expect(r).toEqual({
      ok: true,
      envelope: { eventType: "message.created", id: "e1", orgId: "o", data: { message_id: "m" } },
    });
  });

  it("falls back to event, the documented spelling", () => {
    const r = parseEnvelope(Buffer.from('{"event":"chat.created","data":{},"timestamp":"2025-01-01"}'));
    expect(r.ok && r.envelope.eventType).toBe("chat.created");
    expect(r.ok && r.envelope.timestamp).toBe("2025-01-01");
  });

  it.each([
    ["{not json", "invalid_json"],
    ["[1,2]", "not_an_object"],
    ["null", "not_an_object"],
    ['{"data":{}}', "missing_event_type"],
    ['{"event_type":42,"data":{}}', "missing_event_type"],
    ['{"event_type":"a b","data":{}}', "missing_event_type"],
    ['{"event_type":"message.created"}', "invalid_data"],
    ['{"event_type":"message.created","data":[1]}', "invalid_data"],
  ])("refuses %s with %s", (body, code) => {
    const r = parseEnvelope(body);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.code).toBe(code);
  });

  it("reads a byte view at its own offset", () => {
    const backing = Buffer.from('xx{"event_type":"e","data":{}}yy');
    expect(parseEnvelope(backing.subarray(2, backing.length - 2)).ok).toBe(true);
  });
});
