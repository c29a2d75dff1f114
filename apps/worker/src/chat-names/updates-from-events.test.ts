import { readEnvelope, type WebhookEnvelope } from "@periskope-pipeline/contracts";
import { describe, expect, it } from "vitest";
import { chatNameUpdateFromEvent } from "./updates-from-events.ts";

function envelope(body: unknown): WebhookEnvelope {
  const parsed = readEnvelope(body);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.envelope;
}

describe("chatNameUpdateFromEvent", () => {
  it("reads the name, type and phone of chat.created (reference §7 example)", () => {
    const update = chatNameUpdateFromEvent(
      envelope({
        event_type: "chat.created",
        org_id: "7c1e2f3a",
        data: {
          chat_id: "120363400000000002@g.us",
          chat_name: "Q3 Launch",
          chat_type: "group",
          org_phone: "447700900123@c.us",
          members: {},
          labels: [],
          created_at: "2025-06-19T08:00:00+00:00",
        },
      }),
    );
    expect(update).toEqual({
      chatId: "120363400000000002@g.us",
      chatName: "Q3 Launch",
      chatType: "group",
      orgPhone: "447700900123@c.us",
      source: "webhook",
      changedAt: Date.parse("2025-06-19T08:00:00Z"),
    });
  });

  it("reads a group rename from a subject notification's body", () => {
    const update = chatNameUpdateFromEvent(
      envelope({
        event_type: "chat.notification.created",
        data: {
          chat_id: "120363400000000001@g.us",
          type: "subject",
          body: "Acme x Northwind Logistics",
          timestamp: "2025-06-19T09:30:00.000+00:00",
          org_phone: "447700900123@c.us",
        },
      }),
    );
    expect(update?.chatName).toBe("Acme x Northwind Logistics");
    expect(update?.changedAt).toBe(Date.parse("2025-06-19T09:30:00Z"));
  });

  it("ignores other notifications, nameless chats and message events", () => {
    expect(chatNameUpdateFromEvent(envelope({ event: "chat.notification.created", data: { chat_id: "g", type: "add", body: "x" } }))).toBeUndefined();
    expect(chatNameUpdateFromEvent(envelope({ event_type: "chat.created", data: { chat_id: "g", chat_name: null } }))).toBeUndefined();
    expect(chatNameUpdateFromEvent(envelope({ event_type: "chat.created", data: { chat_name: "No id" } }))).toBeUndefined();
    expect(chatNameUpdateFromEvent(envelope({ event_type: "message.created", data: { chat_id: "g", chat_name: "x" } }))).toBeUndefined();
  });
});
