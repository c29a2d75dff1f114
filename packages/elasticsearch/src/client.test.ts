import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { createElasticsearchClient } from "./client.ts";

/** A port nothing listens on: taken from the OS, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("createElasticsearchClient", () => {
  it("fails a request to an unreachable cluster without copying its body into the error", async () => {
    const es = createElasticsearchClient({ url: `http://127.0.0.1:${await closedPort()}`, apiKey: "secret-key", maxRetries: 0 });
    // The transport's default redaction rebuilt the whole metadata, turning a bulk body (bytes)
    // into an object with one key per byte: ~150 MB of heap for a 2 MB body, per failed attempt.
    const body = Buffer.from('{"index":{"_index":"m","_id":"1"}}\n{"text":"hello"}\n'.repeat(1_000));
    const error = await es.bulk({ operations: body as never }).then(
      () => undefined,
      (e: unknown) => e as { name: string; meta: { meta: { request: { params: { body?: unknown; headers?: unknown } } } } },
    );
    await es.close();
    expect(error?.name).toBe("ConnectionError");
    expect(error?.meta.meta.request.params.body).toBe(body);
    // Still nothing secret in it: the request's headers (the API key) are dropped.
    expect(error?.meta.meta.request.params.headers).toBeUndefined();
  });
});
