/**
 * Reads a request body within a byte limit.
 *
 * With `Content-Length` (what Periskope sends) the caller has already compared it with the limit,
 * and Node's HTTP parser delivers exactly that many bytes, so the body is read in one piece.
 * Without it (chunked transfer) the stream is read and abandoned as soon as it passes the limit:
 * a sender cannot make us buffer more than `maxBytes`.
 */
import type { HonoRequest } from "hono";

export type BodyRead = Buffer | "too_large" | "unreadable";

export async function readBodyWithin(request: HonoRequest, maxBytes: number): Promise<BodyRead> {
  try {
    if (request.header("content-length") !== undefined) return Buffer.from(await request.arrayBuffer());
    return await readStreamWithin(request.raw.body, maxBytes);
  } catch {
    // The sender went away or the stream broke: there is no complete body to judge.
    return "unreadable";
  }
}

async function readStreamWithin(stream: ReadableStream<Uint8Array> | null, maxBytes: number): Promise<BodyRead> {
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
}
