import { createHmac } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { sendLikePeriskope } from "./periskope-sender.ts";

const KEY = "peri_sender_test";

/** Answers each body first 503 with Retry-After 0, then drops the connection, then 200 (when verified). */
let server: Server;
let url: string;
const attempts = new Map<string, number>();
let alwaysFail = false;
let slowMs = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const raw = Buffer.concat(chunks);
      const body = raw.toString("utf8");
      const seen = (attempts.get(body) ?? 0) + 1;
      attempts.set(body, seen);
      if (alwaysFail) return void res.writeHead(500).end();
      if (slowMs > 0) return void setTimeout(() => res.writeHead(200).end(), slowMs);
      if (seen === 1) return void res.writeHead(503, { "retry-after": "0" }).end();
      if (seen === 2) return void req.socket.destroy();
      const valid = req.headers["x-periskope-signature"] === createHmac("sha256", KEY).update(raw).digest("hex");
      res.writeHead(valid ? 200 : 401).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/periskopewebhook`;
});
afterAll(() => new Promise<void>((resolve) => {
  server.closeAllConnections();
  server.close(() => resolve());
}));
beforeEach(() => {
  attempts.clear();
  alwaysFail = false;
  slowMs = 0;
});

describe("sendLikePeriskope", () => {
  it("retries 5xx and connection errors until every delivery is accepted, at the given rate", async () => {
    const bodies = Array.from({ length: 20 }, (_, i) => JSON.stringify({ event_type: "message.created", data: { i } }));
    const result = await sendLikePeriskope(url, bodies.length, (i) => bodies[i]!, { key: KEY, ratePerSecond: 200, initialBackoffMs: 5, maxBackoffMs: 20 });
    expect(result).toMatchObject({ sent: 20, accepted: 20, gaveUp: 0, retries: 40 });
    expect(result.statusCounts).toMatchObject({ "200": 20, "503": 20, NETWORK_ERROR: 20 });
    expect([...attempts.values()]).toEqual(Array(20).fill(3));
    // 20 first attempts at 200/s are spread over at least 95 ms.
    expect(result.durationMs).toBeGreaterThanOrEqual(90);
  });

  it("times an attempt from when it has a connection, not while it waits for one", async () => {
    slowMs = 40;
    // 12 at once over 2 connections: the last ones wait ~240 ms for a connection, longer than the timeout.
    const result = await sendLikePeriskope(url, 12, (i) => `{"slow":${i}}`, { key: KEY, ratePerSecond: 10_000, connections: 2, timeoutMs: 150, initialBackoffMs: 1 });
    expect(result.statusCounts).toEqual({ "200": 12 });
    expect(result.retries).toBe(0);
  });

  it("gives a delivery up after its attempts", async () => {
    alwaysFail = true;
    const result = await sendLikePeriskope(url, 3, (i) => `{"i":${i}}`, { key: KEY, ratePerSecond: 1000, maxAttempts: 4, initialBackoffMs: 1, maxBackoffMs: 2 });
    expect(result).toMatchObject({ sent: 3, accepted: 0, gaveUp: 3, retries: 9 });
  });
});
