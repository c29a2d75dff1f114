/**
 * Realistic signed webhook bodies of about 1 KB for the ingress bench: `message.created` events
 * from the test kit, with message text lengthened until the compact JSON is ~1 KB.
 */
import { messageCreated, signedHeaders, toRawBody } from "@periskope-pipeline/testkit";

const TEXT = "Shipment 4411 is delayed until Friday; the carrier says the container is held at customs and expects clearance by Thursday evening. ";

export function signedBodies(count: number, key: string, targetBytes = 1024): { body: string; headers: Record<string, string> }[] {
  return Array.from({ length: count }, (_, index) => {
    let text = TEXT;
    let body = toRawBody(messageCreated({ index, body: text }));
    while (Buffer.byteLength(body) < targetBytes) {
      text += TEXT.slice(0, Math.min(TEXT.length, targetBytes - Buffer.byteLength(body)));
      body = toRawBody(messageCreated({ index, body: text }));
    }
    return { body, headers: signedHeaders(body, key) };
  });
}
