import { createHmac } from "node:crypto";
import { messageCreated, toRawBody } from "@periskope-pipeline/testkit";
import { describe, expect, it } from "vitest";
import { createTestApp, SIGNING_KEY, type TestApp } from "../test/support/test-app.ts";
import { WEBHOOK_ROUTE } from "./routes.ts";

const valid = toRawBody(messageCreated({ index: 1 }));
const sign = (body: string | Uint8Array, key = SIGNING_KEY) => createHmac("sha256", key).update(body).digest("hex");

async function expectRejected(t: TestApp, response: Response, status: number, code: string) {
  expect(response.status).toBe(status);
  expect(response.headers.get("content-type")).toMatch(/application\/json/);
  expect(response.headers.get("x-request-id")).toMatch(/\S/);
  const body = (await response.json()) as { error: { code: string; message: string } };
  expect(body.error.code).toBe(code);
  expect(body.error.message).toMatch(/\S/);
  expect(t.events.messages).toHaveLength(0);
  expect(t.events.inFlight).toBe(0);
}

describe("every rejection names its reason and publishes nothing", () => {
  it.each([
    ["missing", undefined, "signature_missing"],
    ["empty", "", "signature_missing"],
    ["short", sign(valid).slice(0, 40), "signature_malformed"],
    ["prefixed", `sha256=${sign(valid)}`, "signature_malformed"],
    ["non-hex", "z".repeat(64), "signature_malformed"],
    ["made with another key", sign(valid, "peri_wrong_key"), "signature_mismatch"],
    ["of other bytes", sign(`${valid} `), "signature_mismatch"],
  ])("401 for a %s signature", async (_name, signature, code) => {
    const t = createTestApp();
    await expectRejected(t, await t.postWebhook(valid, { "x-periskope-signature": signature }), 401, code);
  });

  it.each([
    ["broken JSON", '{"event_type":"message.created","data":{', "invalid_json"],
    ["empty body", "", "invalid_json"],
    ["a JSON array", '[{"event_type":"message.created","data":{}}]', "not_an_object"],
    ["a JSON string", '"message.created"', "not_an_object"],
    ["JSON null", "null", "not_an_object"],
    ["no event name", '{"data":{"message_id":"m"}}', "missing_event_type"],
    ["a numeric event name", '{"event_type":42,"data":{}}', "missing_event_type"],
    ["an event name with spaces", '{"event_type":"message created","data":{}}', "missing_event_type"],
    ["no data", '{"event_type":"message.created"}', "invalid_data"],
    ["data as an array", '{"event_type":"message.created","data":[]}', "invalid_data"],
    ["data as a string", '{"event":"message.created","data":"{}"}', "invalid_data"],
  ])("400 for %s", async (_name, body, code) => {
    const t = createTestApp();
    await expectRejected(t, await t.postWebhook(body), 400, code);
  });

  it("400 for a body that is not UTF-8, even when signed", async () => {
    const t = createTestApp();
    const bytes = Buffer.concat([Buffer.from('{"event_type":"message.created","data":{"body":"'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}}')]);
    await expectRejected(t, await t.postWebhook(bytes), 400, "invalid_encoding");
  });

  it("413 when the declared length exceeds MAX_BODY_BYTES, before reading", async () => {
    const t = createTestApp({ env: { MAX_BODY_BYTES: "2048" } });
    const big = JSON.stringify({ event_type: "message.created", data: { body: "x".repeat(3000) } });
    await expectRejected(t, await t.postWebhook(big, { "content-length": String(Buffer.byteLength(big)) }), 413, "body_too_large");
  });

  it("413 when a chunked body grows past MAX_BODY_BYTES", async () => {
    const t = createTestApp({ env: { MAX_BODY_BYTES: "2048" } });
    const chunk = new Uint8Array(1024).fill(0x20);
    let sent = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        sent++;
        controller.enqueue(chunk);
      },
    });
    const response = await t.app.request(WEBHOOK_ROUTE, {
      method: "POST",
      body: endless,
      headers: { "content-type": "application/json", "x-periskope-signature": "0".repeat(64) },
      duplex: "half",
    } as RequestInit);
    await expectRejected(t, response, 413, "body_too_large");
    expect(sent).toBeLessThan(10);
  });

  it.each([
    ["missing", undefined],
    ["text/plain", "text/plain"],
    ["a form", "application/x-www-form-urlencoded"],
    ["JSON in another charset", "application/json; charset=iso-8859-1"],
  ])("415 for a %s content type", async (_name, contentType) => {
    const t = createTestApp();
    await expectRejected(t, await t.postWebhook(valid, { "content-type": contentType }), 415, "unsupported_media_type");
  });

  it("404 JSON for other methods and paths", async () => {
    const t = createTestApp();
    for (const [method, path] of [
      ["GET", WEBHOOK_ROUTE],
      ["PUT", WEBHOOK_ROUTE],
      ["POST", "/webhook"],
    ] as const) {
      const response = await t.app.request(path, { method });
      expect(response.status).toBe(404);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe("not_found");
    }
  });
});

describe("never a 2xx for an event that is not queued", () => {
  it.each([
    ["unavailable", "publish_unavailable"],
    ["timeout", "publish_timeout"],
    ["permission_denied", "publish_misconfigured"],
  ] as const)("503 with Retry-After when publishing fails (%s), and 200 again once it works", async (failure, code) => {
    const t = createTestApp({ env: { RETRY_AFTER_SECONDS: "7" } });
    t.events.failWith(failure);
    const failed = await t.postWebhook(valid);
    expect(failed.status).toBe(503);
    expect(failed.headers.get("retry-after")).toBe("7");
    expect(((await failed.json()) as { error: { code: string } }).error.code).toBe(code);
    expect(t.events.messages).toHaveLength(0);

    t.events.failWith(null);
    expect((await t.postWebhook(valid)).status).toBe(200);
    expect(t.events.messages).toHaveLength(1);
  });

  it("503 at once past PUBLISH_MAX_IN_FLIGHT, while the publishes in flight still complete", async () => {
    const t = createTestApp({ env: { PUBLISH_MAX_IN_FLIGHT: "3" } });
    t.events.hold();
    const inFlight = [1, 2, 3].map((index) => t.postWebhook(toRawBody(messageCreated({ index }))));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(t.events.inFlight).toBe(3);

    const started = performance.now();
    const refused = await t.postWebhook(toRawBody(messageCreated({ index: 4 })));
    expect(performance.now() - started).toBeLessThan(100);
    expect(refused.status).toBe(503);
    expect(refused.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("overloaded");

    t.events.release();
    expect((await Promise.all(inFlight)).map((r) => r.status)).toEqual([200, 200, 200]);
    expect(t.events.messages).toHaveLength(3);
    expect((await t.postWebhook(toRawBody(messageCreated({ index: 5 })))).status).toBe(200);
  });

  it("503 with Connection: close while draining, and /readyz reports not ready", async () => {
    const t = createTestApp();
    t.lifecycle.startDraining();
    const response = await t.postWebhook(valid);
    expect(response.status).toBe(503);
    expect(response.headers.get("connection")).toBe("close");
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("shutting_down");
    const ready = await t.app.request("/readyz");
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: "not_ready", reason: "shutting down" });
    expect(t.events.messages).toHaveLength(0);
  });

  it("/readyz is 503 while the topic cannot be reached", async () => {
    const t = createTestApp({ env: { READINESS_CACHE_MS: "0" } });
    t.events.failWith("unavailable");
    const response = await t.app.request("/readyz");
    expect(response.status).toBe(503);
    expect(((await response.json()) as { reason: string }).reason).toMatch(/unavailable/);
    t.events.failWith(null);
    expect((await t.app.request("/readyz")).status).toBe(200);
  });
});
