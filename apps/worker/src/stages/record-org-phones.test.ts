import { parseEnvelope } from "@periskope-pipeline/contracts";
import { describe, expect, it } from "vitest";
import type { DecodedEvent } from "./decoded-event.ts";
import { recordOrgPhones } from "./record-org-phones.ts";

function event(data: Record<string, unknown>): DecodedEvent {
  const body = { event_type: "message.created", data };
  const parsed = parseEnvelope(JSON.stringify(body));
  if (!parsed.ok) throw new Error(parsed.message);
  return { delivery: {} as DecodedEvent["delivery"], envelope: parsed.envelope, body, receivedAt: 0 };
}

describe("recordOrgPhones", () => {
  it("hands each distinct org phone of the batch to the recorder once", () => {
    const recorded: string[][] = [];
    recordOrgPhones([event({ org_phone: "447700900123@c.us" }), event({ org_phone: "447700900123@c.us" }), event({ org_phone: "447700900456@c.us" }), event({})], {
      record: async (phones) => void recorded.push([...phones]),
    });
    expect(recorded).toEqual([["447700900123", "447700900456"]]);
  });

  it("asks nothing of the recorder when no event names a phone", () => {
    let calls = 0;
    recordOrgPhones([event({ chat_id: "x@c.us" })], { record: async () => void calls++ });
    expect(calls).toBe(0);
  });
});
