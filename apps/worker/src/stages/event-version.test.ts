import { MESSAGE_EVENT_TYPES } from "@periskope-pipeline/contracts";
import { describe, expect, it } from "vitest";
import { FILL_GAP, MAX_EVENT_TIME_MS, MIN_EVENT_TIME_MS, messageVersion } from "./event-version.ts";

const T = Date.parse("2025-06-18T14:05:00Z");
const ORDER = ["message.created", "message.updated", "message.ack.updated", "message.unflagged", "message.flagged", "message.deleted"] as const;

describe("messageVersion", () => {
  it("orders by time first, then by kind: created < updated < ack.updated < unflagged < flagged < deleted", () => {
    expect([...ORDER].sort()).toEqual([...MESSAGE_EVENT_TYPES].sort());
    const versions = ORDER.map((kind) => messageVersion(kind, T));
    expect([...versions].sort((a, b) => a - b)).toEqual(versions);
    expect(new Set(versions).size).toBe(ORDER.length);
    for (const kind of ORDER.slice(0, -1)) expect(messageVersion("message.created", T + 1)).toBeGreaterThan(messageVersion(kind, T));
  });

  it("leaves room for 255 fills (+1 each) below the next state, even at the same millisecond", () => {
    for (const [i, kind] of ORDER.slice(0, -2).entries()) {
      expect(messageVersion(kind, T) + FILL_GAP - 1).toBeLessThan(messageVersion(ORDER[i + 1]!, T));
    }
    expect(messageVersion("message.flagged", T) + FILL_GAP - 1).toBeLessThan(messageVersion("message.created", T + 1));
  });

  it("puts every delete above every other state, so nothing after a delete wins", () => {
    expect(messageVersion("message.deleted", MIN_EVENT_TIME_MS)).toBeGreaterThan(messageVersion("message.flagged", MAX_EVENT_TIME_MS) + FILL_GAP);
    expect(messageVersion("message.deleted", T + 1)).toBeGreaterThan(messageVersion("message.deleted", T));
  });

  it("stays an exact integer below 2^53 over the whole time range, fills included", () => {
    const top = messageVersion("message.deleted", MAX_EVENT_TIME_MS) + FILL_GAP - 1;
    expect(Number.isSafeInteger(top)).toBe(true);
    expect(MAX_EVENT_TIME_MS).toBeGreaterThan(Date.parse("2100-01-01T00:00:00Z"));
    expect(JSON.parse(JSON.stringify({ version: top })).version).toBe(top);
    expect(() => messageVersion("message.created", MAX_EVENT_TIME_MS + 1)).toThrow(RangeError);
    expect(() => messageVersion("message.created", MIN_EVENT_TIME_MS - 1)).toThrow(RangeError);
  });

  it("is above every version of the earlier encoding (the time in ms) for times from February 2010", () => {
    expect(messageVersion("message.created", Date.parse("2010-02-01T00:00:00Z"))).toBeGreaterThan(Date.parse("2100-01-01T00:00:00Z"));
  });
});
