import { readEnvelope, type WebhookEnvelope } from "@periskope-pipeline/contracts";
import { describe, expect, it } from "vitest";
import { DEFAULT_EVENT_TIME_MAX_SKEW_MS, eventTime, eventTimeProblem } from "./event-time.ts";

const T1 = Date.parse("2025-06-18T14:05:00Z");
const T2 = T1 + 60_000;
const RECEIVED = T2 + 3_600_000;

function envelope(body: Record<string, unknown>): WebhookEnvelope {
  const parsed = readEnvelope(body);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.envelope;
}

describe("eventTime", () => {
  it("uses data.updated_at (any Periskope time format)", () => {
    const e = envelope({ event_type: "message.updated", data: { updated_at: "2025-06-18 14:06:00+00" } });
    expect(eventTime(e, RECEIVED)).toBe(T2);
  });

  it("takes the later of updated_at and the envelope timestamp (a snapshot is as of its emission)", () => {
    const ack = envelope({ event_type: "message.ack.updated", timestamp: "2025-06-18T14:07:00Z", data: { updated_at: "2025-06-18T14:06:00Z" } });
    expect(eventTime(ack, RECEIVED)).toBe(T2 + 60_000);
    const onlyTimestamp = envelope({ event_type: "message.ack.updated", timestamp: T1 / 1000, data: {} });
    expect(eventTime(onlyTimestamp, RECEIVED)).toBe(T1);
  });

  it("versions a bare create with the message time, so it never beats its own update", () => {
    const create = envelope({ event_type: "message.created", data: { timestamp: "2025-06-18 14:05:00+00", updated_at: null } });
    const update = envelope({ event_type: "message.updated", data: { timestamp: "2025-06-18 14:05:00+00", updated_at: "2025-06-18T14:06:00Z" } });
    expect(eventTime(create, RECEIVED)).toBe(T1);
    expect(eventTime(create, RECEIVED)).toBeLessThan(eventTime(update, RECEIVED - 10_000));
  });

  it("falls back to the receive time when the event carries no time", () => {
    expect(eventTime(envelope({ event_type: "message.deleted", data: { timestamp: "2025-06-18 14:05:00+00" } }), RECEIVED)).toBe(RECEIVED);
    expect(eventTime(envelope({ event_type: "message.created", data: {} }), RECEIVED)).toBe(RECEIVED);
  });
});

describe("eventTimeProblem", () => {
  const DAY = DEFAULT_EVENT_TIME_MAX_SKEW_MS;

  it("accepts any time from 2010 up to the allowed skew after the receive time", () => {
    expect(eventTimeProblem(RECEIVED + DAY, RECEIVED, DAY)).toBeUndefined();
    expect(eventTimeProblem(Date.parse("2010-01-01T00:00:00Z"), RECEIVED, DAY)).toBeUndefined();
    expect(eventTimeProblem(Date.parse("2016-03-01T00:00:00Z"), RECEIVED, DAY)).toBeUndefined();
  });

  it("refuses a time beyond the skew, or before 2010", () => {
    expect(eventTimeProblem(RECEIVED + DAY + 1, RECEIVED, DAY)).toMatch(/more than 86400 s after its receive time/);
    expect(eventTimeProblem(Date.parse("2009-12-31T23:59:59Z"), RECEIVED, DAY)).toMatch(/before 2010-01-01/);
    expect(eventTimeProblem(1, RECEIVED, DAY)).toBeDefined();
  });

  it("reads a micro-second epoch as micro-seconds, so it is in range", () => {
    const micros = envelope({ event_type: "message.ack.updated", data: { updated_at: T2 * 1000 + 123 } });
    expect(eventTime(micros, RECEIVED)).toBe(T2);
    expect(eventTimeProblem(eventTime(micros, RECEIVED), RECEIVED, DAY)).toBeUndefined();
  });
});
