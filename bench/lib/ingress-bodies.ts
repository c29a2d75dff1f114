/**
 * Realistic signed webhook bodies of about 1 KB for the ingress bench: `message.created` events
 * from the test kit, trimmed to the fields of the reference's example delivery (reference §7),
 * with message text sized so the compact JSON is ~1 KB.
 */
import { messageCreated, signedHeaders, toRawBody } from "@periskope-pipeline/testkit";

/** The fields of the observed `message.created` example in the Periskope reference (§7). */
const EXAMPLE_FIELDS = [
  "message_id", "unique_id", "chat_id", "org_id", "org_phone", "sender_phone", "author", "from_me", "body", "message_type",
  "timestamp", "ack", "has_media", "media", "has_quoted_msg", "quoted_message_id", "mentioned_ids", "is_deleted", "id",
];

const TEXT = "Shipment 4411 is delayed until Friday; the carrier says the container is held at customs and expects clearance by Thursday evening. ";

function bodyOf(index: number, text: string): string {
  const payload = messageCreated({ index, body: text });
  const data = Object.fromEntries(EXAMPLE_FIELDS.filter((field) => field in payload.data).map((field) => [field, payload.data[field]]));
  return toRawBody({ ...payload, data });
}

export function signedBodies(count: number, key: string, targetBytes = 1024): { body: string; headers: Record<string, string> }[] {
  return Array.from({ length: count }, (_, index) => {
    let text = "";
    let body = bodyOf(index, text);
    while (Buffer.byteLength(body) < targetBytes) {
      text += TEXT.slice(0, Math.max(1, Math.min(TEXT.length, targetBytes - Buffer.byteLength(body))));
      body = bodyOf(index, text);
    }
    return { body, headers: signedHeaders(body, key) };
  });
}
