/**
 * SIGTERM with webhooks in flight. The private emulator is frozen so deliveries are provably in
 * flight when the signal arrives; it is thawed after the signal, while the ingress drains.
 */
import { randomUUID } from "node:crypto";
import type { PubSub } from "@google-cloud/pubsub";
import { createPubSub } from "@periskope-pipeline/pubsub";
import { messageCreated, sendWebhook, sendWebhooks, toRawBody } from "@periskope-pipeline/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inFlight, until } from "./support/in-flight.ts";
import { startIngressProcess } from "./support/ingress-process.ts";
import { startPrivateEmulator, type PrivateEmulator } from "@periskope-pipeline/local-stack";
import { readSubscription, type SubscriptionReader } from "./support/subscription-reader.ts";

const KEY = "peri_shutdown_signing_key";
const projectId = `ingress-shutdown-${randomUUID().slice(0, 8)}`;

describe("graceful shutdown", () => {
  let emulator: PrivateEmulator;
  let pubsub: PubSub;
  let events: SubscriptionReader;

  beforeAll(async () => {
    emulator = await startPrivateEmulator();
    pubsub = createPubSub({ projectId, emulatorHost: emulator.host });
    await pubsub.createTopic("periskope-events");
    await pubsub.createTopic("pipeline-commands");
    events = await readSubscription(pubsub, "periskope-events", "shutdown-test");
  });

  afterAll(async () => {
    emulator?.thaw();
    await events?.close();
    await pubsub?.close();
    await emulator?.stop();
  });

  const start = (env: Record<string, string> = {}) =>
    startIngressProcess({ PERISKOPE_SIGNING_KEY: KEY, PUBSUB_EMULATOR_HOST: emulator.host, PUBSUB_PROJECT_ID: projectId, PUBLISH_TIMEOUT_MS: "20000", ...env });

  it("finishes the webhooks in flight at SIGTERM, their messages are on the topic, new connections are refused, exit 0", async () => {
    const ingress = await start({ SHUTDOWN_TIMEOUT_MS: "15000" });
    expect((await sendWebhook(`${ingress.url}/periskopewebhook`, toRawBody(messageCreated({ index: 1 })), { key: KEY })).status).toBe(200);
    await events.waitFor(1);

    await emulator.freeze();
    const bodies = Array.from({ length: 40 }, (_, i) => toRawBody(messageCreated({ index: 100 + i })));
    const sending = sendWebhooks(`${ingress.url}/periskopewebhook`, bodies, { key: KEY, concurrency: 40 });
    try {
      await until(async () => (await inFlight(ingress.url)) === 40, 10_000);
      const signalledAt = Date.now();
      ingress.signal("SIGTERM");
      await until(async () => ingress.logs().some((line) => line.event === "ShutdownStarted"), 5_000);
      // The listener is closed: a new sender is turned away and retries elsewhere.
      await expect(fetch(`${ingress.url}/healthz`, { signal: AbortSignal.timeout(2_000) })).rejects.toThrow();
      expect(Date.now() - signalledAt).toBeLessThan(5_000);
    } finally {
      emulator.thaw();
    }

    const result = await sending;
    expect(result.statusCounts).toEqual({ "200": 40 });
    expect(await ingress.exited()).toEqual({ code: 0, signal: null });
    const received = await events.waitFor(41);
    const onTopic = new Set(received.map((message) => message.data.toString()));
    for (const body of bodies) expect(onTopic.has(body)).toBe(true);
    expect(ingress.logs().some((line) => line.event === "ShutdownCompleted")).toBe(true);
  });

  it("exits within SHUTDOWN_TIMEOUT_MS when Pub/Sub never answers, and never acknowledged what it could not queue", async () => {
    const ingress = await start({ SHUTDOWN_TIMEOUT_MS: "1500" });
    await emulator.freeze();
    try {
      const sending = sendWebhooks(
        `${ingress.url}/periskopewebhook`,
        Array.from({ length: 5 }, (_, i) => toRawBody(messageCreated({ index: 500 + i }))),
        { key: KEY, concurrency: 5 },
      );
      await until(async () => (await inFlight(ingress.url)) === 5, 10_000);
      const signalledAt = Date.now();
      ingress.signal("SIGTERM");
      expect((await ingress.exited()).code).toBe(1);
      expect(Date.now() - signalledAt).toBeLessThan(1500 + 1500);
      const result = await sending;
      expect(result.statusCounts["200"] ?? 0).toBe(0);
      expect(ingress.logs().some((line) => line.event === "ShutdownTimedOut")).toBe(true);
    } finally {
      emulator.thaw();
    }
  });
});
