import { readEnvelope, type WebhookEnvelope } from "@periskope-pipeline/contracts";
import { describe, expect, it } from "vitest";
import { eventVersion } from "./event-version.ts";

const T1 = Date.parse("2025-06-18T14:05:00Z");
const T2 = T1 + 60_000;
const RECEIVED = T2 + 3_600_000;

function envelope(body: Record<string, unknown>): WebhookEnvelope {
  const parsed = readEnvelope(body);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.envelope;
}

describe("eventVersion", () => {
  it("uses data.updated_at (any Periskope time format)", () => {
    const e = envelope({ event_type: "message.updated", data: { updated_at: "2025-06-18 14:06:00+00" } });
    expect(eventVersion(e, RECEIVED)).toBe(T2);
  });

  it("takes the later of updated_at and the envelope timestamp (a snapshot is as of its emission)", () => {
    const ack = envelope({ event_type: "message.ack.updated", timestamp: "2025-06-18T14:07:00Z", data: { updated_at: "2025-06-18T14:06:00Z" } });
    expect(eventVersion(ack, RECEIVED)).toBe(T2 + 60_000);
    const onlyTimestamp = envelope({ event_type: "message.ack.updated", timestamp: T1 / 1000, data: {} });
    expect(eventVersion(onlyTimestamp, RECEIVED)).toBe(T1);
  });

  it("versions a bare create with the message time, so it never beats its own update", () => {
    const create = envelope({ event_type: "message.created", data: { timestamp: "2025-06-18 14:05:00+00", updated_at: null } });
    const update = envelope({ event_type: "message.updated", data: { timestamp: "2025-06-18 14:05:00+00", updated_at: "2025-06-18T14:06:00Z" } });
    expect(eventVersion(create, RECEIVED)).toBe(T1);
    expect(eventVersion(create, RECEIVED)).toBeLessThan(eventVersion(update, RECEIVED - 10_000));
  });

  it("falls back to the receive time when the event carries no time", () => {
    expect(eventVersion(envelope({ event_type: "message.deleted", data: { timestamp: "2025-06-18 14:05:00+00" } }), RECEIVED)).toBe(RECEIVED);
    expect(eventVersion(envelope({ event_type: "message.created", data: {} }), RECEIVED)).toBe(RECEIVED);
  });
});
