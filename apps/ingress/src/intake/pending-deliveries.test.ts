import { describe, expect, it } from "vitest";
import { OUTCOMES, type Outcome } from "../webhook/outcomes.ts";
import { MAX_SLOTS, PendingDeliveries } from "./pending-deliveries.ts";

describe("PendingDeliveries", () => {
  it("answers each ticket once and reuses slots", () => {
    const pending = new PendingDeliveries(1_000);
    const answers: Outcome[] = [];
    const first = pending.open(0, (o) => answers.push(o));
    expect(pending.size).toBe(1);
    pending.settle(first, OUTCOMES.accepted);
    pending.settle(first, OUTCOMES.publish_timeout);
    expect(answers).toEqual([OUTCOMES.accepted]);
    expect(pending.size).toBe(0);
    const second = pending.open(0, () => {});
    expect(second % MAX_SLOTS).toBe(first % MAX_SLOTS);
    expect(second).not.toBe(first);
  });

  it("never lets a late answer for an expired delivery reach the next one in its slot", () => {
    const pending = new PendingDeliveries(100);
    const answers: string[] = [];
    const expired = pending.open(0, (o) => answers.push(`old:${o.code}`));
    pending.expireOverdue(100, OUTCOMES.publish_timeout);
    const current = pending.open(200, (o) => answers.push(`new:${o.code}`));
    pending.settle(expired, OUTCOMES.accepted); // late: must be dropped
    expect(answers).toEqual(["old:publish_timeout"]);
    pending.settle(current, OUTCOMES.accepted);
    expect(answers).toEqual(["old:publish_timeout", "new:accepted"]);
  });

  it("expires only what is overdue, and can fail everything at once", () => {
    const pending = new PendingDeliveries(100);
    const answers: string[] = [];
    pending.open(0, (o) => answers.push(`a:${o.code}`));
    pending.open(50, (o) => answers.push(`b:${o.code}`));
    pending.expireOverdue(120, OUTCOMES.publish_timeout);
    expect(answers).toEqual(["a:publish_timeout"]);
    pending.settleAll(OUTCOMES.publish_unavailable);
    expect(answers).toEqual(["a:publish_timeout", "b:publish_unavailable"]);
    expect(pending.size).toBe(0);
  });
});
