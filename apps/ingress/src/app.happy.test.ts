import { createHash } from "node:crypto";
import { messageCreated, signedHeaders, toRawBody, webhookEvent } from "@periskope-pipeline/testkit";
import { describe, expect, it } from "vitest";
import { createMetricsApp } from "./app.ts";
import { createTestApp, SIGNING_KEY } from "../test/support/test-app.ts";
import { WEBHOOK_ROUTE } from "./routes.ts";

const sha256 = (bytes: string | Uint8Array) => createHash("sha256").update(bytes).digest("hex");

describe("POST /periskopewebhook accepts what Periskope sends", () => {
  it("answers 200 after publishing the exact bytes with the event attributes", async () => {
    const t = createTestApp();
    const raw = toRawBody(messageCreated({ index: 1 }));
    const before = Date.now();
    const response = await t.postWebhook(raw, { "x-request-id": "periskope-delivery-1" });

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "accepted" });
    expect(response.headers.get("x-request-id")).toBe("periskope-delivery-1");
    expect(t.events.messages).toHaveLength(1);
    const [published] = t.events.messages;
    expect(published?.data.toString("utf8")).toBe(raw);
    expect(published?.attributes).toEqual({
      event_type: "message.created",
      received_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      request_id: "periskope-delivery-1",
      content_sha256: sha256(raw),
      schema: "periskope.webhook.v1",
    });
    expect(Date.parse(published?.attributes.received_at ?? "")).toBeGreaterThanOrEqual(before - 1);
  });

  it("keeps the body byte for byte, whitespace and key order included", async () => {
    const t = createTestApp();
    const raw = '{ "data" : {"b":2,"a":1} ,\n "event_type":"message.updated" }';
    expect((await t.postWebhook(raw)).status).toBe(200);
    expect(t.events.messages[0]?.data.toString("utf8")).toBe(raw);
    expect(t.events.messages[0]?.attributes.content_sha256).toBe(sha256(raw));
  });

  it("accepts the documented `event` spelling of the envelope", async () => {
    const t = createTestApp();
    const response = await t.postWebhook(toRawBody(messageCreated({ index: 2, spelling: "event" })));
    expect(response.status).toBe(200);
    expect(t.events.messages[0]?.attributes.event_type).toBe("message.created");
  });

  it("accepts and publishes event types the pipeline does not handle", async () => {
    const t = createTestApp();
    for (const name of ["org.phone.qr", "ticket.created", "some.future.event"]) {
      expect((await t.postWebhook(toRawBody(webhookEvent(name, { anything: [1, 2, 3] })))).status).toBe(200);
    }
    expect(t.events.messages.map((m) => m.attributes.event_type)).toEqual(["org.phone.qr", "ticket.created", "some.future.event"]);
  });

  it("generates a request id when the sender has none (or an implausible one)", async () => {
    const t = createTestApp();
    const plain = await t.postWebhook(toRawBody(messageCreated({ index: 3 })));
    const hostile = await t.postWebhook(toRawBody(messageCreated({ index: 4 })), { "x-request-id": "a b\tc<script>" });
    for (const response of [plain, hostile]) expect(response.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(t.events.messages.map((m) => m.attributes.request_id)).toEqual([plain.headers.get("x-request-id"), hostile.headers.get("x-request-id")]);
  });

  it("accepts a JSON content type with a UTF-8 charset", async () => {
    const t = createTestApp();
    const response = await t.postWebhook(toRawBody(messageCreated({ index: 5 })), { "content-type": "application/json; charset=utf-8" });
    expect(response.status).toBe(200);
  });

  it("reads a chunked body (no Content-Length)", async () => {
    const t = createTestApp();
    const raw = toRawBody(messageCreated({ index: 6 }));
    const bytes = Buffer.from(raw);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes.subarray(0, 100));
        controller.enqueue(bytes.subarray(100));
        controller.close();
      },
    });
    const response = await t.app.request(WEBHOOK_ROUTE, { method: "POST", body: stream, headers: signedHeaders(raw, SIGNING_KEY), duplex: "half" } as RequestInit);
    expect(response.status).toBe(200);
    expect(t.events.messages[0]?.data.equals(bytes)).toBe(true);
  });

  it("with verification explicitly disabled (emulator only), accepts unsigned webhooks, needs no key, and shows it on /metrics", async () => {
    const t = createTestApp({ env: { WEBHOOK_SIGNATURE_VERIFICATION: "false", PERISKOPE_SIGNING_KEY: undefined, PUBSUB_EMULATOR_HOST: "127.0.0.1:8085" } });
    const response = await t.postWebhook(toRawBody(messageCreated({ index: 7 })), { "x-periskope-signature": undefined });
    expect(response.status).toBe(200);
    expect(t.events.messages).toHaveLength(1);
    expect(await (await t.app.request("/metrics")).text()).toMatch(/ingress_signature_verification_enabled\{service="ingress"\} 0/);
  });
});

describe("service routes", () => {
  it("GET / answers like the original service", async () => {
    const response = await createTestApp().app.request("/");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ message: "Webhook server is running" });
  });

  it("GET /healthz and /readyz answer 200 while the topic is reachable", async () => {
    const t = createTestApp();
    expect((await t.app.request("/healthz")).status).toBe(200);
    const ready = await t.app.request("/readyz");
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: "ready" });
    expect(ready.headers.get("x-request-id")).toMatch(/\S/);
  });

  it("GET /metrics counts requests by route and status, events by type, and exposes in-flight publishes", async () => {
    const t = createTestApp();
    await t.postWebhook(toRawBody(messageCreated({ index: 8 })));
    await t.postWebhook(toRawBody(webhookEvent("brand.new.event", {})));
    await t.postWebhook("{}", { "x-periskope-signature": "0".repeat(64) });
    const text = await (await t.app.request("/metrics")).text();
    expect(text).toMatch(/ingress_http_requests_total\{route="\/periskopewebhook",status="200",service="ingress"\} 2/);
    expect(text).toMatch(/ingress_http_requests_total\{route="\/periskopewebhook",status="401",service="ingress"\} 1/);
    expect(text).toMatch(/ingress_webhooks_rejected_total\{reason="signature_mismatch",service="ingress"\} 1/);
    expect(text).toMatch(/ingress_events_received_total\{event_type="message.created",service="ingress"\} 1/);
    expect(text).toMatch(/ingress_events_received_total\{event_type="other",service="ingress"\} 1/);
    expect(text).toMatch(/ingress_publishes_in_flight\{service="ingress"\} 0/);
    expect(text).toMatch(/ingress_signature_verification_enabled\{service="ingress"\} 1/);
  });

  it("with METRICS_PORT, /metrics is not on the public app but on the metrics app", async () => {
    const t = createTestApp({ env: { METRICS_PORT: "9464" } });
    await t.postWebhook(toRawBody(messageCreated({ index: 9 })));
    expect((await t.app.request("/metrics")).status).toBe(404);
    const scraped = await createMetricsApp(t.registry).request("/metrics");
    expect(scraped.status).toBe(200);
    expect(await scraped.text()).toMatch(/ingress_http_requests_total\{route="\/periskopewebhook",status="200",service="ingress"\} 1/);
  });
});
