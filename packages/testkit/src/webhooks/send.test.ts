import { createHmac } from "node:crypto";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { toRawBody } from "./envelope.ts";
import { messageCreated, messageCreatedBatch } from "./message-events.ts";
import { sendWebhook, sendWebhooks } from "./send.ts";

const KEY = "peri_send_test";

/** A stand-in receiver that verifies like the ingress must: HMAC over the raw bytes. */
let server: Server;
let url: string;
let connections = 0;
const received: string[] = [];

beforeAll(async () => {
  const app = new Hono();
  app.post("/periskopewebhook", async (c) => {
    const raw = Buffer.from(await c.req.arrayBuffer());
    const expected = createHmac("sha256", KEY).update(raw).digest("hex");
    if (c.req.header("x-periskope-signature") !== expected) return c.json({ error: "invalid signature" }, 401);
    received.push(raw.toString("utf8"));
    return c.json({ status: "ok" });
  });
  app.post("/slow", async (c) => {
    await new Promise((r) => setTimeout(r, 300));
    return c.json({});
  });
  app.post("/flaky", (c) => c.json({}, received.push("flaky") % 2 === 0 ? 503 : 200));
  await new Promise<void>((resolve) => {
    server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (info: AddressInfo) => {
      url = `http://127.0.0.1:${info.port}`;
      resolve();
    }) as Server;
  });
  server.on("connection", () => connections++);
});
afterAll(() => new Promise<void>((resolve) => {
  server.close(() => resolve());
  server.closeAllConnections();
}));
beforeEach(() => {
  received.length = 0;
});

describe("sendWebhook", () => {
  it("delivers the exact bytes with a signature the receiver accepts", async () => {
    const raw = toRawBody(messageCreated({ index: 1, body: "Entrega às 14h 🚚" }));
    const result = await sendWebhook(`${url}/periskopewebhook`, raw, { key: KEY });
    expect(result.status).toBe(200);
    expect(received).toEqual([raw]);
  });

  it("is rejected when signed with another key or unsigned", async () => {
    const raw = toRawBody(messageCreated());
    expect((await sendWebhook(`${url}/periskopewebhook`, raw, { key: "peri_wrong" })).status).toBe(401);
    expect((await sendWebhook(`${url}/periskopewebhook`, raw)).status).toBe(401);
  });

  it("lets headers override the signature", async () => {
    const raw = toRawBody(messageCreated());
    const result = await sendWebhook(`${url}/periskopewebhook`, raw, { key: KEY, headers: { "x-periskope-signature": "0".repeat(64) } });
    expect(result.status).toBe(401);
  });
});

describe("sendWebhooks", () => {
  it("sends 1,000 webhooks at concurrency 50 over reused connections", async () => {
    const bodies = messageCreatedBatch({ count: 1000 }).map(toRawBody);
    const before = connections;
    const result = await sendWebhooks(`${url}/periskopewebhook`, bodies, { key: KEY, concurrency: 50 });
    expect(result).toMatchObject({ total: 1000, statusCounts: { "200": 1000 } });
    expect(new Set(received).size).toBe(1000);
    expect(connections - before).toBeLessThanOrEqual(50);
    expect(result.latency.max).toBeGreaterThanOrEqual(result.latency.p50);
  });

  it("counts statuses instead of throwing", async () => {
    const result = await sendWebhooks(`${url}/flaky`, Array.from({ length: 10 }, () => "{}"), { concurrency: 1 });
    expect(result.statusCounts).toEqual({ "200": 5, "503": 5 });
  });

  it("counts connection failures as NETWORK_ERROR", async () => {
    const result = await sendWebhooks("http://127.0.0.1:9/periskopewebhook", ["{}", "{}"], { key: KEY, concurrency: 2 });
    expect(result.statusCounts).toEqual({ NETWORK_ERROR: 2 });
  });

  it("counts requests past their timeout as TIMEOUT", async () => {
    const result = await sendWebhooks(`${url}/slow`, ["{}"], { timeoutMs: 50 });
    expect(result.statusCounts).toEqual({ TIMEOUT: 1 });
  });

  it("stops starting sends after maxDurationMs", async () => {
    const result = await sendWebhooks(`${url}/periskopewebhook`, Array.from({ length: 5 }, () => "{}"), { key: KEY, maxDurationMs: -1 });
    expect(result.statusCounts).toEqual({ NOT_SENT: 5 });
  });
});
