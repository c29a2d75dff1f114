import { messageAck, messageCreated, messageDeleted, messageFlagged, messageUpdated } from "@periskope-pipeline/testkit";
import { describe, expect, it } from "vitest";
import { finalMessageEvent, messageEventVersion } from "./final-message-event.ts";

const T0 = Date.parse("2025-06-18T14:00:00Z");
const RECEIVED = T0 + 3_600_000;
const at = (body: object) => ({ body, receivedAt: RECEIVED });
const options = { index: 1, sentAt: T0 };

describe("finalMessageEvent", () => {
  it("picks the same event in every delivery order when two states share one time (the higher kind)", () => {
    const created = at(messageCreated(options));
    const ack = at(messageAck({ ...options, ack: 2, ackAt: T0 }));
    expect(finalMessageEvent([created, ack])?.event).toBe(ack);
    expect(finalMessageEvent([ack, created])?.event).toBe(ack);
  });

  it("keeps a delete over any later state", () => {
    const deleted = at(messageDeleted({ ...options, deletedAt: T0 + 60_000 }));
    const lateRead = at(messageAck({ ...options, ack: 4, ackAt: T0 + 120_000 }));
    const lateFlag = at(messageFlagged({ ...options, flaggedAt: T0 + 180_000 }));
    expect(finalMessageEvent([lateFlag, deleted, lateRead])?.event).toBe(deleted);
  });

  it("otherwise ends with the latest time, whatever the kind", () => {
    const edit = at(messageUpdated({ ...options, newBody: "v2", editedAt: T0 + 60_000 }));
    const olderRead = at(messageAck({ ...options, ack: 4, ackAt: T0 + 30_000 }));
    expect(finalMessageEvent([edit, olderRead, at(messageCreated(options))])?.event).toBe(edit);
  });

  it("leaves out what the pipeline does not index as a message state", () => {
    const farFuture = at(messageUpdated({ ...options, editedAt: RECEIVED + 2 * 86_400_000 }));
    expect(messageEventVersion(farFuture)).toBeUndefined();
    expect(messageEventVersion({ body: "not json", receivedAt: RECEIVED })).toBeUndefined();
    expect(messageEventVersion(at({ event_type: "reaction.created", data: {} }))).toBeUndefined();
    const created = at(messageCreated(options));
    expect(finalMessageEvent([farFuture, created])?.event).toBe(created);
    expect(finalMessageEvent([])).toBeUndefined();
  });
});
