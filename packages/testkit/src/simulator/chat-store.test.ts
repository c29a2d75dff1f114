import { describe, expect, it } from "vitest";
import { createChatGenerator } from "./chat-generator.ts";
import { ChatStore } from "./chat-store.ts";

const phones = ["447700900123", "919812300456"];

function store(count = 10) {
  const gen = createChatGenerator({ seed: 1, count, phones, orgId: "org" });
  return { gen, store: new ChatStore(gen) };
}

describe("ChatStore.list", () => {
  it("scopes lists to the phone", () => {
    const { store: s } = store(10);
    const first = s.list(phones[0] as string, { offset: 0, limit: 100 });
    const second = s.list(phones[1] as string, { offset: 0, limit: 100 });
    expect(first).toHaveLength(5);
    expect(second).toHaveLength(5);
    expect(first.every((c) => c.org_phone === `${phones[0]}@c.us`)).toBe(true);
    expect(new Set([...first, ...second].map((c) => c.chat_id)).size).toBe(10);
  });

  it("pages by item offset with a short last page", () => {
    const { store: s } = store(20);
    const phone = phones[0] as string;
    const pages = [0, 4, 8].map((offset) => s.list(phone, { offset, limit: 4 }).map((c) => c.chat_id));
    expect(pages.map((p) => p.length)).toEqual([4, 4, 2]);
    expect(new Set(pages.flat()).size).toBe(10);
    expect(s.list(phone, { offset: 10, limit: 4 })).toEqual([]);
  });

  it("filters by chat type", () => {
    const { store: s } = store(200);
    const groups = s.list(phones[0] as string, { offset: 0, limit: 2000, chatType: "group" });
    expect(groups.length).toBeGreaterThan(0);
    expect(groups.every((c) => c.chat_type === "group")).toBe(true);
  });
});

describe("ChatStore edits", () => {
  it("renames a chat and moves it to the front of its phone's list", () => {
    const { store: s, gen } = store(10);
    const id = gen.idAt(8);
    const renamed = s.rename(id, "Renamed Group");
    expect(renamed?.chat_name).toBe("Renamed Group");
    expect(s.get(id)?.chat_name).toBe("Renamed Group");
    const list = s.list(phones[0] as string, { offset: 0, limit: 100 });
    expect(list[0]?.chat_id).toBe(id);
    expect(list.filter((c) => c.chat_id === id)).toHaveLength(1);
    expect(list).toHaveLength(5);
  });

  it("adds a new chat on a phone", () => {
    const { store: s } = store(4);
    s.upsert(phones[1] as string, { chat_id: "120363499999999999@g.us", chat_name: "Fresh" });
    expect(s.get("120363499999999999@g.us")).toMatchObject({ chat_name: "Fresh", chat_type: "group", org_phone: `${phones[1]}@c.us`, org_id: "org" });
    expect(s.list(phones[1] as string, { offset: 0, limit: 1 })[0]?.chat_id).toBe("120363499999999999@g.us");
  });

  it("removes a chat from lookups and lists", () => {
    const { store: s, gen } = store(4);
    const id = gen.idAt(0);
    expect(s.remove(id)).toBe(true);
    expect(s.get(id)).toBeUndefined();
    expect(s.list(phones[0] as string, { offset: 0, limit: 10 }).map((c) => c.chat_id)).not.toContain(id);
    expect(s.remove(id)).toBe(false);
    expect(s.rename(id, "x")).toBeUndefined();
  });
});
