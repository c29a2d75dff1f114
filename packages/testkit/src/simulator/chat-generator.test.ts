import { describe, expect, it } from "vitest";
import { createChatGenerator } from "./chat-generator.ts";

const phones = ["447700900123", "919812300456"];
const base = { seed: 7, phones, orgId: "org-1" };

describe("createChatGenerator", () => {
  it("builds the same chat for the same seed and index", () => {
    const a = createChatGenerator({ ...base, count: 100 });
    const b = createChatGenerator({ ...base, count: 100 });
    expect(a.chatAt(42)).toEqual(b.chatAt(42));
    expect(a.chatAt(42)).toEqual(a.chatAt(42));
  });

  it("builds different chats for different seeds", () => {
    const a = createChatGenerator({ ...base, count: 10 });
    const b = createChatGenerator({ ...base, seed: 8, count: 10 });
    expect(a.idAt(0)).not.toBe(b.idAt(0));
  });

  it("gives 50,000 chats unique ids quickly and finds each by id", () => {
    const started = performance.now();
    const gen = createChatGenerator({ ...base, count: 50_000 });
    expect(performance.now() - started).toBeLessThan(2000);
    const ids = new Set<string>();
    for (let i = 0; i < gen.count; i++) ids.add(gen.idAt(i));
    expect(ids.size).toBe(50_000);
    expect(gen.indexOf(gen.idAt(31_337))).toBe(31_337);
    expect(gen.indexOf("000@c.us")).toBeUndefined();
  });

  it("uses WhatsApp id formats matching the chat type", () => {
    const gen = createChatGenerator({ ...base, count: 300 });
    for (let i = 0; i < gen.count; i++) {
      const chat = gen.chatAt(i);
      if (chat.chat_type === "group") {
        expect(chat.chat_id).toMatch(/^120363\d{12}@g\.us$/);
        expect(chat.members).not.toBeNull();
        expect(chat.member_count).toBe(Object.keys(chat.members ?? {}).length);
        expect(chat.members?.[chat.org_phone]?.is_internal).toBe(true);
      } else {
        expect(chat.chat_id).toMatch(/^\d{11,13}@c\.us$/);
        expect(chat.members).toBeNull();
      }
      expect(chat.chat_name).toEqual(expect.any(String));
    }
  });

  it("mixes groups, users and businesses in roughly the configured shares", () => {
    const gen = createChatGenerator({ ...base, count: 5000, groupRatio: 0.3, businessRatio: 0.05 });
    const counts = { group: 0, user: 0, business: 0 };
    for (let i = 0; i < gen.count; i++) counts[gen.typeAt(i)]++;
    expect(counts.group / 5000).toBeCloseTo(0.3, 1);
    expect(counts.business / 5000).toBeCloseTo(0.05, 1);
    expect(counts.user).toBeGreaterThan(counts.group);
  });

  it("orders chats by activity, latest first", () => {
    const gen = createChatGenerator({ ...base, count: 200 });
    for (let i = 1; i < gen.count; i++) {
      expect(Date.parse(gen.chatAt(i - 1).updated_at ?? "")).toBeGreaterThan(Date.parse(gen.chatAt(i).updated_at ?? ""));
    }
  });

  it("spreads chats round-robin over the phones", () => {
    const gen = createChatGenerator({ ...base, count: 4 });
    expect([0, 1, 2, 3].map((i) => gen.chatAt(i).org_phone)).toEqual([
      "447700900123@c.us",
      "919812300456@c.us",
      "447700900123@c.us",
      "919812300456@c.us",
    ]);
  });

  it("leaves names null at the configured share", () => {
    const gen = createChatGenerator({ ...base, count: 2000, nullNameRatio: 0.1 });
    let nulls = 0;
    for (let i = 0; i < gen.count; i++) if (gen.chatAt(i).chat_name === null) nulls++;
    expect(nulls / 2000).toBeCloseTo(0.1, 1);
  });

  it("writes timestamps in the REST form with microseconds and an offset", () => {
    const chat = createChatGenerator({ ...base, count: 1 }).chatAt(0);
    expect(chat.updated_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$/);
  });
});
