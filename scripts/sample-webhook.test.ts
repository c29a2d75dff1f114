import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { sampleMessageCreated, signWebhookBody, webhookCurl } from "./sample-webhook.ts";

describe("sampleMessageCreated", () => {
  it("is a message.created envelope for the given chat with a unique message id", () => {
    const chat = { chat_id: "120363400000000001@g.us", org_phone: "447700900123@c.us" };
    const first = JSON.parse(sampleMessageCreated(chat));
    const second = JSON.parse(sampleMessageCreated(chat));
    expect(first.event_type).toBe("message.created");
    expect(first.data).toMatchObject({ chat_id: chat.chat_id, org_phone: chat.org_phone, from_me: false });
    expect(first.data.message_id).toMatch(/^false_120363400000000001@g\.us_[0-9A-F]{20}$/);
    expect(first.data.message_id).not.toBe(second.data.message_id);
  });
});

describe("signWebhookBody", () => {
  it("is the lowercase hex HMAC-SHA256 of the exact bytes", () => {
    const body = '{"event_type":"message.created","data":{}}';
    expect(signWebhookBody(body, "k")).toBe(createHmac("sha256", "k").update(Buffer.from(body)).digest("hex"));
    expect(signWebhookBody(body, "k")).toMatch(/^[0-9a-f]{64}$/);
    expect(signWebhookBody(`${body} `, "k")).not.toBe(signWebhookBody(body, "k"));
  });
});

describe("webhookCurl", () => {
  it("posts the body file with the signature header", () => {
    expect(webhookCurl("http://127.0.0.1:8080", "ab12", "/r/.stack/sample-webhook.json")).toBe(
      "curl -sS -X POST http://127.0.0.1:8080/periskopewebhook -H 'content-type: application/json' " +
        "-H 'x-periskope-signature: ab12' --data-binary @/r/.stack/sample-webhook.json",
    );
  });
});
