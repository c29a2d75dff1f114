/**
 * The ingress process against the real emulator and Elasticsearch (the int project's shared
 * services, isolated by a project id, topics and an index of its own).
 */
import { createHash, randomUUID } from "node:crypto";
import { createElasticsearchClient } from "@periskope-pipeline/elasticsearch";
import { createPubSub } from "@periskope-pipeline/pubsub";
import { chatCreated, messageCreated, messageCreatedBatch, sendWebhook, sendWebhooks, toRawBody, webhookEvent } from "@periskope-pipeline/testkit";
import { freePort } from "@periskope-pipeline/local-stack";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startIngressProcess, type IngressProcess } from "./support/ingress-process.ts";
import { malformedDeliveries } from "./support/malformed-deliveries.ts";
import { readSubscription, type SubscriptionReader } from "./support/subscription-reader.ts";

const emulatorHost = process.env.PUBSUB_EMULATOR_HOST;
const elasticsearchUrl = process.env.ELASTICSEARCH_URL;
if (!emulatorHost || !elasticsearchUrl) throw new Error("run with the int project's global setup (PUBSUB_EMULATOR_HOST, ELASTICSEARCH_URL)");

const KEY = "peri_int_signing_key";
const ADMIN = "int-admin-token-0123456789abcdef0123";
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

describe("ingress process", () => {
  const suffix = randomUUID().slice(0, 8);
  const projectId = `ingress-happy-${suffix}`;
  const eventsTopic = `events-${suffix}`;
  const commandsTopic = `commands-${suffix}`;
  const commandsIndex = `ingress-commands-${suffix}`;
  const pubsub = createPubSub({ projectId, emulatorHost });
  const elasticsearch = createElasticsearchClient({ url: elasticsearchUrl });
  let ingress: IngressProcess;
  let events: SubscriptionReader;
  let commands: SubscriptionReader;

  beforeAll(async () => {
    await pubsub.createTopic(eventsTopic);
    await pubsub.createTopic(commandsTopic);
    events = await readSubscription(pubsub, eventsTopic, `${eventsTopic}-test`);
    commands = await readSubscription(pubsub, commandsTopic, `${commandsTopic}-test`);
    ingress = await startIngressProcess({
      PERISKOPE_SIGNING_KEY: KEY,
      ADMIN_TOKEN: ADMIN,
      PUBSUB_EMULATOR_HOST: emulatorHost,
      PUBSUB_PROJECT_ID: projectId,
      PUBSUB_EVENTS_TOPIC: eventsTopic,
      PUBSUB_COMMANDS_TOPIC: commandsTopic,
      ELASTICSEARCH_URL: elasticsearchUrl,
      ELASTICSEARCH_COMMANDS_INDEX: commandsIndex,
      COMMAND_POLL_INTERVAL_MS: "100",
    });
  });

  afterAll(async () => {
    await ingress?.stop();
    await events?.close();
    await commands?.close();
    await pubsub.topic(eventsTopic).delete().catch(() => {});
    await pubsub.topic(commandsTopic).delete().catch(() => {});
    await pubsub.close();
    await elasticsearch.indices.delete({ index: commandsIndex }, { ignore: [404] });
    await elasticsearch.close();
  });

  it("is ready once the topic is reachable", async () => {
    const response = await fetch(`${ingress.url}/readyz`);
    expect(response.status).toBe(200);
  });

  it("acknowledges 600 signed webhooks from 50 concurrent senders, each on the topic exactly as sent", async () => {
    const bodies = [
      ...messageCreatedBatch({ count: 500 }).map(toRawBody),
      ...Array.from({ length: 50 }, (_, index) => toRawBody(messageCreated({ index: 10_000 + index, spelling: "event" }))),
      ...Array.from({ length: 25 }, (_, index) => toRawBody(chatCreated({ index }))),
      ...Array.from({ length: 25 }, (_, index) => toRawBody(webhookEvent("org.phone.updated", { n: index }))),
    ];
    const result = await sendWebhooks(`${ingress.url}/periskopewebhook`, bodies, { key: KEY, concurrency: 50 });
    expect(result.statusCounts).toEqual({ "200": 600 });

    const received = await events.waitFor(600);
    const byHash = new Map(received.map((message) => [sha256(message.data), message]));
    for (const body of bodies) {
      const bytes = Buffer.from(body);
      const message = byHash.get(sha256(bytes));
      expect(message, "every acknowledged body is on the topic").toBeDefined();
      expect(message?.data.equals(bytes)).toBe(true);
      expect(message?.attributes).toMatchObject({ content_sha256: sha256(bytes), schema: "periskope.webhook.v1" });
      const envelope = JSON.parse(body) as { event_type?: string; event?: string };
      expect(message?.attributes.event_type).toBe(envelope.event_type ?? envelope.event);
    }
    expect(new Set(received.map((m) => m.attributes.request_id)).size).toBe(600);
  });

  it("publishes nothing for rejected deliveries", async () => {
    const before = events.messages().length;
    const raw = toRawBody(messageCreated({ index: 90_001 }));
    const answers = await Promise.all([
      sendWebhook(`${ingress.url}/periskopewebhook`, raw, { key: "peri_wrong_key" }),
      sendWebhook(`${ingress.url}/periskopewebhook`, raw),
      sendWebhook(`${ingress.url}/periskopewebhook`, '{"event_type":', { key: KEY }),
      sendWebhook(`${ingress.url}/periskopewebhook`, '{"data":{}}', { key: KEY }),
      sendWebhook(`${ingress.url}/periskopewebhook`, raw, { key: KEY, headers: { "content-type": "text/plain" } }),
    ]);
    expect(answers.map((a) => a.status)).toEqual([401, 401, 400, 400, 415]);
    // A sentinel behind them: once it arrives, anything the rejections had published would have too.
    const sentinel = toRawBody(messageCreated({ index: 90_002 }));
    expect((await sendWebhook(`${ingress.url}/periskopewebhook`, sentinel, { key: KEY })).status).toBe(200);
    const received = await events.waitFor(before + 1);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(events.messages()).toHaveLength(before + 1);
    expect(received.some((m) => m.data.toString() === sentinel)).toBe(true);
  });

  it("answers 1,000 generated malformed deliveries with 4xx over real sockets, publishing nothing", async () => {
    const before = events.messages().length;
    const next = malformedDeliveries(4242, KEY);
    const statuses = new Map<number, number>();
    const deliveries = Array.from({ length: 1_000 }, () => next());
    for (let i = 0; i < deliveries.length; i += 50) {
      const answers = await Promise.all(
        deliveries.slice(i, i + 50).map((delivery) => fetch(`${ingress.url}/periskopewebhook`, { method: "POST", body: delivery.body, headers: delivery.headers }).then(async (r) => (await r.arrayBuffer(), r.status))),
      );
      for (const status of answers) statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
    expect([...statuses.keys()].every((status) => status >= 400 && status < 500), JSON.stringify([...statuses])).toBe(true);
    const sentinel = toRawBody(messageCreated({ index: 90_003 }));
    expect((await sendWebhook(`${ingress.url}/periskopewebhook`, sentinel, { key: KEY })).status).toBe(200);
    await events.waitFor(before + 1);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(events.messages()).toHaveLength(before + 1);
  });

  it("publishes ops commands and serves their run records from Elasticsearch", async () => {
    const auth = { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" };
    const accepted = await fetch(`${ingress.url}/commands`, { method: "POST", headers: auth, body: JSON.stringify({ type: "refresh-cache", args: { dry_run: true } }) });
    expect(accepted.status).toBe(202);
    const { command_id: commandId } = (await accepted.json()) as { command_id: string };
    const [published] = await commands.waitFor(1);
    expect(published?.attributes.command_type).toBe("refresh-cache");
    expect(JSON.parse(published?.data.toString() ?? "{}")).toMatchObject({ command_id: commandId, type: "refresh-cache", args: { dry_run: true } });

    expect((await fetch(`${ingress.url}/commands/${commandId}`, { headers: auth })).status).toBe(404);
    const run = { command_id: commandId, type: "refresh-cache", args: { dry_run: true }, status: "running", requested_at: new Date().toISOString() };
    await elasticsearch.index({ index: commandsIndex, id: commandId, document: run, refresh: true });
    const found = await fetch(`${ingress.url}/commands/${commandId}`, { headers: auth });
    expect(found.status).toBe(200);
    expect(await found.json()).toEqual(run);
  });

  it("GET /refresh-cache?wait answers the original shape when the worker records success", async () => {
    const before = commands.messages().length;
    const waiting = fetch(`${ingress.url}/refresh-cache?wait=20`, { headers: { authorization: `Bearer ${ADMIN}` } });
    const published = (await commands.waitFor(before + 1)).at(-1);
    const { command_id: commandId } = JSON.parse(published?.data.toString() ?? "{}") as { command_id: string };
    // What the worker does when the run finishes.
    await elasticsearch.index({
      index: commandsIndex,
      id: commandId,
      refresh: true,
      document: { command_id: commandId, type: "refresh-cache", args: {}, status: "succeeded", requested_at: new Date().toISOString(), stats: { total_chats: 75, newly_cached: 5, already_cached: 70 } },
    });
    const response = await waiting;
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "success", total_chats: 75, newly_cached: 5, already_cached: 70 });
  });

  it("exposes the webhook counters on /metrics", async () => {
    const text = await (await fetch(`${ingress.url}/metrics`)).text();
    expect(text).toMatch(/ingress_http_requests_total\{route="\/periskopewebhook",status="200",service="ingress"\} 60[1-9]/);
    expect(text).toMatch(/ingress_events_received_total\{event_type="chat.created",service="ingress"\} 25/);
    expect(text).toMatch(/ingress_publish_duration_seconds_count\{service="ingress"\} [1-9]/);
  });
});

describe("ingress process with METRICS_PORT (the deployed configuration)", () => {
  it("serves /metrics on that port only, not on the public one", async () => {
    const metricsPort = await freePort();
    const ingress = await startIngressProcess({ PERISKOPE_SIGNING_KEY: KEY, PUBSUB_EMULATOR_HOST: emulatorHost, PUBSUB_PROJECT_ID: `ingress-metrics-${randomUUID().slice(0, 8)}`, METRICS_PORT: String(metricsPort) });
    try {
      expect((await fetch(`${ingress.url}/metrics`)).status).toBe(404);
      const scraped = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
      expect(scraped.status).toBe(200);
      expect(await scraped.text()).toMatch(/ingress_http_requests_total\{route="unmatched",status="404",service="ingress"\} 1/);
    } finally {
      await ingress.stop();
    }
    expect(ingress.child.exitCode).toBe(0);
  });

  it("refuses to start with signature verification off unless it publishes to the emulator", async () => {
    await expect(startIngressProcess({ WEBHOOK_SIGNATURE_VERIFICATION: "false", PUBSUB_PROJECT_ID: "ingress-unsigned" })).rejects.toThrow(/PUBSUB_EMULATOR_HOST/);
  });
});
