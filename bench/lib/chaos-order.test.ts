import { describe, expect, it } from "vitest";
import { isDeletedAtEnd, stateOrder } from "./chaos-order.ts";

describe("the oracle's order of a message's states", () => {
  it("puts the later time first among states that are not deletions", () => {
    expect(stateOrder("message.created", 2_000)).toBeGreaterThan(stateOrder("message.flagged", 1_000));
  });

  it("keeps a deletion above anything that arrives after it", () => {
    expect(stateOrder("message.deleted", 1_000)).toBeGreaterThan(stateOrder("message.ack.updated", 2_000));
    expect(stateOrder("message.deleted", 2_000)).toBeGreaterThan(stateOrder("message.deleted", 1_000));
  });

  it("settles one time by kind: created < updated < ack.updated < unflagged < flagged < deleted", () => {
    const at = Date.parse("2026-01-10T08:00:00Z");
    const kinds = ["message.created", "message.updated", "message.ack.updated", "message.unflagged", "message.flagged", "message.deleted"] as const;
    const order = kinds.map((k) => stateOrder(k, at));
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(new Set(order).size).toBe(order.length);
  });

  it("keeps a message deleted once any deletion arrived", () => {
    expect(isDeletedAtEnd(["message.created", "message.deleted", "message.ack.updated"])).toBe(true);
    expect(isDeletedAtEnd(["message.created", "message.ack.updated"])).toBe(false);
  });
});
