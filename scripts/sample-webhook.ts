import { createHmac, randomUUID } from "node:crypto";

export interface SampleChat {
  chat_id: string;
  org_phone: string;
  org_id?: string;
}

/**
 * A `message.created` webhook in the envelope Periskope really sends (`event_type`, see the API
 * reference §7), for a chat the simulator knows, so the worker resolves a real chat name.
 */
export function sampleMessageCreated(chat: SampleChat, now = new Date()): string {
  const waId = randomUUID().replaceAll("-", "").slice(0, 20).toUpperCase();
  const messageId = `false_${chat.chat_id}_${waId}`;
  const orgId = chat.org_id ?? "00000000-0000-4000-8000-000000000000";
  return JSON.stringify({
    event_type: "message.created",
    id: randomUUID(),
    org_id: orgId,
    previous_attributes: {},
    data: {
      message_id: messageId,
      unique_id: waId,
      chat_id: chat.chat_id,
      org_id: orgId,
      org_phone: chat.org_phone,
      sender_phone: chat.chat_id.endsWith("@c.us") ? chat.chat_id : "447700900456@c.us",
      from_me: false,
      body: "Hello from npm start",
      message_type: "chat",
      timestamp: now.toISOString(),
      ack: "1",
      has_media: false,
      media: null,
      has_quoted_msg: false,
      quoted_message_id: null,
      mentioned_ids: [],
      is_deleted: null,
    },
  });
}

/** `x-periskope-signature`: HMAC-SHA256 of the exact body bytes, lowercase hex. */
export function signWebhookBody(body: string, signingKey: string): string {
  return createHmac("sha256", signingKey).update(body).digest("hex");
}

export function webhookCurl(ingressUrl: string, signature: string, bodyFile: string): string {
  return [
    `curl -sS -X POST ${ingressUrl}/periskopewebhook`,
    `-H 'content-type: application/json'`,
    `-H 'x-periskope-signature: ${signature}'`,
    `--data-binary @${bodyFile}`,
  ].join(" ");
}
