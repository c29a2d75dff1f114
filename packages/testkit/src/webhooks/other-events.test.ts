import { readEnvelope } from "@periskope-pipeline/contracts";
import { describe, expect, it } from "vitest";
import { toRawBody } from "./envelope.ts";
import { messageCreated } from "./message-events.ts";
import { reactionCreated, ticketCreated, webhookEvent } from "./other-events.ts";

describe("other events", () => {
  it("builds a reaction on a known message", () => {
    const opts = { index: 5, chatId: "447700900456@c.us" };
    const reaction = reactionCreated({ ...opts, reaction: "❤️" });
    expect(reaction.event_type).toBe("reaction.created");
    expect(reaction.data).toMatchObject({ reaction: "❤️", message_id: messageCreated(opts).data.message_id, chat_id: "447700900456@c.us" });
    expect(reactionCreated({ ...opts, updated: true }).event_type).toBe("reaction.updated");
  });

  it("builds tickets with chat, message and attached messages", () => {
    const ticket = ticketCreated({ index: 6, status: "open" });
    expect(ticket.event_type).toBe("ticket.created");
    expect(ticket.data).toMatchObject({ ticket: { status: "open" }, chat: { chat_id: expect.any(String) }, attached_messages: [expect.any(String)] });
    expect(ticketCreated({ index: 6, action: "deleted" }).event_type).toBe("ticket.deleted");
  });

  it("wraps any event name, in both spellings", () => {
    const a = webhookEvent("org.phone.disconnected", { org_phone: "447700900123@c.us", wa_state: "UNPAIRED", is_ready: false });
    const b = webhookEvent("org.phone.disconnected", { org_phone: "447700900123@c.us" }, { spelling: "event" });
    expect(a.event_type).toBe("org.phone.disconnected");
    expect(b.event).toBe("org.phone.disconnected");
    for (const p of [a, b, reactionCreated(), ticketCreated()]) expect(readEnvelope(JSON.parse(toRawBody(p))).ok).toBe(true);
  });
});
