import { readEnvelope } from "@periskope-pipeline/contracts";
import { describe, expect, it } from "vitest";
import { SimulatorController } from "../simulator/controller.ts";
import { chatCreated, groupNotification, subjectNotification } from "./chat-events.ts";
import { toRawBody } from "./envelope.ts";

describe("chatCreated", () => {
  it("announces a generated chat with labels, as a valid envelope", () => {
    const payload = chatCreated({ index: 3, labels: ["vip"] });
    expect(payload.event_type).toBe("chat.created");
    expect(payload.data).toMatchObject({ chat_id: expect.stringMatching(/@(g|c)\.us$/), chat_name: expect.any(String), labels: ["vip"], org_phone: "447700900123@c.us" });
    expect(readEnvelope(JSON.parse(toRawBody(payload))).ok).toBe(true);
    expect(toRawBody(chatCreated({ index: 3, labels: ["vip"] }))).toBe(toRawBody(payload));
  });

  it("announces a given chat, e.g. one the simulator serves", () => {
    const sim = new SimulatorController({ chats: 5 });
    const id = sim.chatIds({ limit: 1 })[0] as string;
    const chat = sim.store.get(id);
    const payload = chatCreated({ chat, spelling: "event" });
    expect(payload.event).toBe("chat.created");
    expect(payload.data).toMatchObject({ chat_id: id, chat_name: chat?.chat_name, labels: [] });
  });
});

describe("chat notifications", () => {
  it("carries a group rename as type subject with the new name in body", () => {
    const payload = subjectNotification({ chatId: "120363400000000001@g.us", newName: "Acme x Northwind Logistics" });
    expect(payload.event_type).toBe("chat.notification.created");
    expect(payload.data).toMatchObject({
      chat_id: "120363400000000001@g.us",
      type: "subject",
      body: "Acme x Northwind Logistics",
      author: expect.stringMatching(/^\d+@c\.us$/),
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$/),
    });
    expect(String(payload.data.notification_id)).toMatch(/^true_120363400000000001@g\.us_[0-9a-f]{6}_\d+@c\.us_subject$/);
  });

  it("builds other group actions", () => {
    const payload = groupNotification({ chatId: "120363400000000001@g.us", type: "add", recipientIds: ["447700900999@c.us"] });
    expect(payload.data).toMatchObject({ type: "add", recipientids: ["447700900999@c.us"] });
  });
});
