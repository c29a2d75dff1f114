import { describe, expect, it } from "vitest";
import { FaultPlan } from "./fault-plan.ts";
import { faultsSchema, oneShotFaultSchema, type FaultsInput } from "./faults.ts";
import { mulberry32 } from "./seeded-random.ts";

const plan = (faults: FaultsInput, seed = 1) => new FaultPlan(faultsSchema.parse(faults), mulberry32(seed), seed);
const getChat = (chatId: string) => ({ route: "getChat" as const, chatId, phone: "1" });
const listChats = { route: "listChats" as const, phone: "1" };

describe("FaultPlan one-shots", () => {
  it("fails exactly the next N matching requests", () => {
    const p = plan({ failNext: [{ route: "getChat", chatId: "a@c.us", count: 2, action: { type: "status", status: 503 } }] });
    expect(p.decide(getChat("b@c.us"))).toBeUndefined();
    expect(p.decide(listChats)).toBeUndefined();
    expect(p.decide(getChat("a@c.us"))).toMatchObject({ type: "status", status: 503 });
    expect(p.decide(getChat("a@c.us"))).toMatchObject({ type: "status", status: 503 });
    expect(p.decide(getChat("a@c.us"))).toBeUndefined();
    expect(p.current().failNext).toEqual([]);
  });

  it("consumes queued faults in order", () => {
    const p = plan({});
    p.enqueue([
      oneShotFaultSchema.parse({ action: { type: "drop" } }),
      oneShotFaultSchema.parse({ action: { type: "rate-limit" } }),
    ]);
    expect(p.decide(listChats)?.type).toBe("drop");
    expect(p.decide(listChats)).toMatchObject({ type: "rate-limit", seconds: 1, retryAfter: "seconds" });
    expect(p.decide(listChats)).toBeUndefined();
  });
});

describe("FaultPlan rates", () => {
  it("injects faults at about the configured rate", () => {
    const p = plan({ errorRate: 0.2, rateLimitRate: 0.1 });
    const seen = { status: 0, "rate-limit": 0, none: 0 };
    for (let i = 0; i < 5000; i++) {
      const f = p.decide(listChats);
      if (f?.type === "status") seen.status++;
      else if (f?.type === "rate-limit") seen["rate-limit"]++;
      else seen.none++;
    }
    expect(seen.status / 5000).toBeCloseTo(0.2, 1);
    expect(seen["rate-limit"] / 5000).toBeCloseTo(0.1, 1);
  });

  it("replays the same decisions for the same seed", () => {
    const run = () => {
      const p = plan({ errorRate: 0.3, dropRate: 0.1 }, 99);
      return Array.from({ length: 50 }, () => p.decide(listChats)?.type ?? "-").join("");
    };
    expect(run()).toBe(run());
  });

  it("sends 429s without Retry-After for the reset-only rate", () => {
    const p = plan({ rateLimitResetOnlyRate: 1, rateLimitSeconds: 3 });
    expect(p.decide(listChats)).toEqual({ type: "rate-limit", seconds: 3, retryAfter: "none", reset: "epoch" });
  });
});

describe("FaultPlan unknown chats", () => {
  it("hides listed ids and a stable share of the rest", () => {
    const p = plan({ unknownChatIds: ["x@c.us"], unknownChatRate: 0.5 });
    expect(p.hidesChat("x@c.us")).toBe(true);
    const ids = Array.from({ length: 1000 }, (_, i) => `${i}@c.us`);
    const hidden = ids.filter((id) => p.hidesChat(id));
    expect(hidden.length / 1000).toBeCloseTo(0.5, 1);
    expect(ids.filter((id) => p.hidesChat(id))).toEqual(hidden);
  });
});
