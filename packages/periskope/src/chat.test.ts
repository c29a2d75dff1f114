import { describe, expect, it } from "vitest";
import { chatListSchema, chatSchema } from "./chat.ts";
import { isRetryableStatus } from "./errors.ts";

describe("chatSchema", () => {
  it("parses the reference's group example and keeps unknown fields", () => {
    const chat = chatSchema.parse({
      chat_id: "120363400000000001@g.us",
      chat_name: "Acme x Northwind Ops",
      chat_type: "group",
      org_phone: "447700900123@c.us",
      members: { "447700900456@c.us": { contact_id: "447700900456@c.us", contact_name: "Dana Reyes", is_admin: false } },
      updated_at: "2025-06-18T14:02:11.120934+00:00",
      label_ids: {},
    });
    expect(chat).toMatchObject({ chat_name: "Acme x Northwind Ops", chat_type: "group", label_ids: {} });
    expect(chat.members?.["447700900456@c.us"]?.contact_name).toBe("Dana Reyes");
  });

  it("fills absent fields with null", () => {
    expect(chatSchema.parse({ chat_id: "1@c.us" })).toMatchObject({ chat_name: null, chat_type: null, members: null, updated_at: null });
  });

  it("keeps the name when another field has an unexpected type", () => {
    const chat = chatSchema.parse({ chat_id: "1@c.us", chat_name: "Dana", members: "oops", member_count: "3", chat_type: "newsletter" });
    expect(chat).toMatchObject({ chat_name: "Dana", members: null, member_count: null, chat_type: "newsletter" });
  });

  it("requires a string chat_id", () => {
    expect(chatSchema.safeParse({ chat_id: 42, chat_name: "x" }).success).toBe(false);
    expect(chatSchema.safeParse({ chat_name: "x" }).success).toBe(false);
  });
});

describe("chatListSchema", () => {
  it("accepts a page without positions or chats", () => {
    expect(chatListSchema.parse({})).toMatchObject({ from: null, to: null, count: null });
  });

  it("rejects chats that are not an array", () => {
    expect(chatListSchema.safeParse({ chats: {} }).success).toBe(false);
  });
});

describe("isRetryableStatus", () => {
  it("retries 408, 429 and 5xx only", () => {
    expect([400, 401, 403, 404, 408, 422, 429, 500, 502, 503, 504].filter(isRetryableStatus)).toEqual([408, 429, 500, 502, 503, 504]);
  });
});
