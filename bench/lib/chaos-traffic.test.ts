import { parsePeriskopeTime } from "@periskope-pipeline/contracts";
import { describe, expect, it } from "vitest";
import { KIND_RANK, type MessageEventKind } from "./chaos-order.ts";
import { chaosTraffic, type ChaosChat } from "./chaos-traffic.ts";

const chats: ChaosChat[] = Array.from({ length: 40 }, (_, i) => ({
  chatId: i % 2 === 0 ? `1203634000000000${String(i).padStart(2, "0")}@g.us` : `4477009${String(i).padStart(5, "0")}@c.us`,
  orgPhone: "447700900123",
  name: `Chat ${i}`,
  isGroup: i % 2 === 0,
}));
const START = Date.parse("2026-01-10T08:00:00Z");
const traffic = chaosTraffic({ seed: "unit", webhooks: 3_000, chats, startMs: START, spanMs: 3_600_000 });
const bodies = Array.from({ length: traffic.count }, (_, i) => traffic.bodyAt(i));
type Body = { event_type?: string; event?: string; id?: string; data: Record<string, unknown> };
const parsed = bodies.map((raw) => JSON.parse(raw) as Body);
const kindOf = (body: Body) => String(body.event_type ?? body.event);

describe("chaosTraffic", () => {
  it("delivers exactly the asked number of webhooks, about 5 % of them exact duplicates", () => {
    expect(traffic.count).toBe(3_000);
    const distinct = new Set(bodies).size;
    expect(distinct).toBe(traffic.stats.distinct_events);
    expect(traffic.stats.duplicates).toBe(3_000 - distinct);
    expect(traffic.stats.duplicates / 3_000).toBeCloseTo(0.05, 2);
    expect(traffic.bodyAt(17)).toBe(bodies[17]);
  });

  it("has every kind of event the issue lists", () => {
    const kinds = new Set(parsed.map(kindOf));
    for (const kind of ["message.created", "message.updated", "message.ack.updated", "message.deleted", "message.flagged", "reaction.created", "chat.created", "chat.notification.created"]) {
      expect(kinds).toContain(kind);
    }
  });

  it("expects, for every message, the state its own bodies order last (time, then kind rank), deleted sticky", () => {
    const perMessage = new Map<string, Body[]>();
    for (const body of parsed) {
      if (!kindOf(body).startsWith("message.")) continue;
      const id = String(body.data.message_id);
      perMessage.set(id, [...(perMessage.get(id) ?? []), body]);
    }
    expect(perMessage.size).toBe(traffic.messages.size);
    let sharedTime = 0;
    let delivered = 0;
    for (const [id, list] of perMessage) {
      // Worked out again from the bodies: a deletion outranks everything, then time, then kind.
      const key = (b: Body) => (kindOf(b) === "message.deleted" ? 2 ** 52 : 0) + parsePeriskopeTime(b.data.updated_at)! * 8 + KIND_RANK[kindOf(b) as MessageEventKind];
      const winner = list.reduce((a, b) => (key(b) > key(a) ? b : a));
      const expected = traffic.messages.get(id)!;
      expect(expected.event_type).toBe(kindOf(winner));
      expect(expected.updated_at).toBe(winner.data.updated_at);
      expect(expected.body).toBe(winner.data.body);
      expect(expected.is_deleted).toBe(list.some((b) => kindOf(b) === "message.deleted"));
      const times = new Set(list.map((b) => `${kindOf(b)} ${String(b.data.updated_at)}`));
      if (new Set(list.map((b) => b.data.updated_at)).size < times.size) sharedTime++;
      // Delivered out of order: a later state before an earlier one.
      const order = list.map(key);
      if (order.some((k, i) => i > 0 && k < order[i - 1]!)) delivered++;
    }
    expect(sharedTime).toBeGreaterThan(0);
    expect(delivered).toBeGreaterThan(0);
  });

  it("expects a renamed chat's latest subject by time, and every other chat's own name", () => {
    const renames = parsed.filter((b) => kindOf(b) === "chat.notification.created");
    expect(renames.length).toBeGreaterThan(0);
    for (const [chatId, name] of traffic.names) {
      const own = renames.filter((b) => b.data.chat_id === chatId).sort((a, b) => parsePeriskopeTime(a.data.timestamp)! - parsePeriskopeTime(b.data.timestamp)!);
      expect(name).toBe(own.length > 0 ? own[own.length - 1]!.data.body : chats.find((c) => c.chatId === chatId)!.name);
    }
    // A chat is announced before it is renamed: a later chat.created would rightly win with the first name.
    for (const created of parsed.filter((b) => kindOf(b) === "chat.created")) {
      const at = parsePeriskopeTime(created.data.updated_at)!;
      for (const r of renames.filter((b) => b.data.chat_id === created.data.chat_id)) expect(parsePeriskopeTime(r.data.timestamp)!).toBeGreaterThan(at);
    }
    expect(new Set(parsed.filter((b) => !kindOf(b).startsWith("message.")).map((b) => b.id))).toEqual(traffic.events);
  });
});
