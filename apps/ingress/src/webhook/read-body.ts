/**
 * Reads a request body within a byte limit.
 *
 * Served by @hono/node-server, the body is read straight from Node's `IncomingMessage` (the
 * adapter's bindings): no Web stream, no ArrayBuffer copy, one Buffer. Otherwise (tests through
 * `app.request()`) from the Web `Request`. Either way a sender cannot make us buffer more than
 * `maxBytes`: reading stops as soon as the body passes it, declared length or not.
 */
import type { IncomingMessage } from "node:http";
import type { HonoRequest } from "hono";

export type BodyRead = Buffer | "too_large" | "unreadable";

export function readBodyWithin(request: HonoRequest, incoming: IncomingMessage | undefined, maxBytes: number): Promise<BodyRead> {
  return incoming ? readIncoming(incoming, maxBytes) : readWebRequest(request, maxBytes);
}

function readIncoming(incoming: IncomingMessage, maxBytes: number): Promise<BodyRead> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (result: BodyRead) => {
      incoming.off("data", onData);
      incoming.off("end", onEnd);
      incoming.off("error", onFailure);
      incoming.off("close", onClose);
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        // Stop buffering; the adapter drains or drops the rest after our 413.
        incoming.pause();
        finish("too_large");
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => finish(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
    // The sender went away or the stream broke: there is no complete body to judge.
    const onFailure = () => finish("unreadable");
    const onClose = () => {
      if (!incoming.complete) finish("unreadable");
    };
    incoming.on("data", onData);
    incoming.on("end", onEnd);
    incoming.on("error", onFailure);
    incoming.on("close", onClose);
  });
}

async function readWebRequest(request: HonoRequest, maxBytes: number): Promise<BodyRead> {
  try {
    const stream = request.raw.body;
    if (stream === null) return Buffer.alloc(0);
    const reader = stream.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return Buffer.concat(chunks, size);
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => {});
        return "too_large";
      }
      chunks.push(value);
    }
  } catch {
    return "unreadable";
  }
}
