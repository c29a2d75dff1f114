import { describe, expect, it } from "vitest";
import type { Chat } from "@periskope-pipeline/periskope";
import { classifyChat, toListedChat } from "./listed-chat.ts";

function chat(overrides: Partial<Chat>): Chat {
  return {
    chat_id: "120363400000000001@g.us",
    chat_name: "Ops",
    chat_type: "group",
    org_id: null,
    org_phone: "447700900123@c.us",
    chat_org_phones: null,
    members: null,
    member_count: null,
    group_description: null,
    chat_image: null,
    created_at: null,
    updated_at: "2025-06-18 14:00:00.123+00",
    ...overrides,
  } as Chat;
}

describe("toListedChat", () => {
  it("keeps id, name, type, phone and the update time as the write version", () => {
    expect(toListedChat(chat({}))).toEqual({
      chatId: "120363400000000001@g.us",
      chatName: "Ops",
      chatType: "group",
      orgPhone: "447700900123@c.us",
      updatedAtMs: Date.parse("2025-06-18T14:00:00.123Z"),
    });
  });

  it("treats a blank name as no name", () => {
    expect(toListedChat(chat({ chat_name: "  " })).chatName).toBeNull();
    expect(toListedChat(chat({ chat_name: null })).chatName).toBeNull();
  });
});

describe("classifyChat", () => {
  const listed = toListedChat(chat({}));
  const cache = (name: string | null) => new Map([[listed.chatId, name]]);

  it("calls a named chat missing from the cache new", () => {
    expect(classifyChat(listed, new Map())).toBe("new");
  });

  it("calls a named chat the cache holds without a name new", () => {
    expect(classifyChat(listed, cache(null))).toBe("new");
  });

  it("calls a chat cached under another name renamed", () => {
    expect(classifyChat(listed, cache("Ops (old)"))).toBe("renamed");
  });

  it("calls a chat cached under the same name same", () => {
    expect(classifyChat(listed, cache("Ops"))).toBe("same");
  });

  it("tells an unnamed chat the cache has no record of from one it holds", () => {
    const unnamed = toListedChat(chat({ chat_name: null }));
    expect(classifyChat(unnamed, new Map())).toBe("unnamed-new");
    expect(classifyChat(unnamed, cache("Old"))).toBe("unnamed-held");
    expect(classifyChat(unnamed, cache(null))).toBe("unnamed-held");
  });
});
