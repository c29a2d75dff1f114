/**
 * The images, without Docker: each Dockerfile target's file set is assembled exactly as the
 * Dockerfile copies it (assemble-image.ts), production dependencies are installed with the
 * Dockerfile's own `npm ci`, and the processes start from there against the real local stack.
 * docker-compose's provision step runs from the worker image first, as it would in compose.
 *
 * Proves: the images hold everything their apps import (no dev dependency, no file the Dockerfile
 * forgets), the ingress answers `GET /` and accepts a signed webhook, the worker indexes it with the
 * chat name from the simulator image, and all three exit cleanly on SIGTERM.
 */
import { createHmac, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { createPubSub, deleteTopology, topologyNamesFromEnv, topologySpec } from "@periskope-pipeline/pubsub";
import { messageCreated, toRawBody } from "@periskope-pipeline/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assembleImage, runInstall } from "./assemble-image.ts";
import { readCompose } from "./compose.ts";
import { imagePlan, type ImagePlan } from "./dockerfile-plan.ts";
import { freePort, startImage, type ImageProcess } from "./image-process.ts";
import { IMAGE_KEYS, IMAGES, type ImageKey } from "./images.ts";
import { readRepoFile } from "./repo.ts";

const ELASTICSEARCH_URL = process.env.ELASTICSEARCH_URL ?? "http://127.0.0.1:9200";
const EMULATOR = process.env.PUBSUB_EMULATOR_HOST ?? "127.0.0.1:8085";
process.env.METADATA_SERVER_DETECTION = "none";

const suffix = randomBytes(4).toString("hex");
const SIGNING_KEY = `image-test-signing-${suffix}`;
const API_KEY = `image-test-api-${suffix}`;
const settings = {
  METADATA_SERVER_DETECTION: "none",
  LOG_LEVEL: "info",
  ELASTICSEARCH_URL,
  ELASTICSEARCH_INDEX: `img-${suffix}-messages`,
  ELASTICSEARCH_CACHE_INDEX: `img-${suffix}-chat-names`,
  ELASTICSEARCH_EVENTS_INDEX: `img-${suffix}-events`,
  ELASTICSEARCH_COMMANDS_INDEX: `img-${suffix}-commands`,
  PUBSUB_PROJECT_ID: `image-test-${suffix}`,
  PUBSUB_EMULATOR_HOST: EMULATOR,
  PUBSUB_EVENTS_TOPIC: `img-${suffix}-events`,
  PUBSUB_EVENTS_SUBSCRIPTION: `img-${suffix}-events-worker`,
  PUBSUB_COMMANDS_TOPIC: `img-${suffix}-commands`,
  PUBSUB_COMMANDS_SUBSCRIPTION: `img-${suffix}-commands-worker`,
  PUBSUB_DEAD_LETTER_TOPIC: `img-${suffix}-dead`,
  PUBSUB_DEAD_LETTER_SUBSCRIPTION: `img-${suffix}-dead-replay`,
  PUBSUB_DEAD_LETTER_RECORDS_SUBSCRIPTION: `img-${suffix}-dead-records`,
};

const DOCKERFILE = readRepoFile("Dockerfile");
const images = {} as Record<ImageKey, { plan: ImagePlan; root: string; files: string[] }>;
const running: ImageProcess[] = [];
let simulatorUrl = "";
let simulatorPhones: string[] = [];
let ingressUrl = "";
let workerMetricsUrl = "";

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe("images assembled from the Dockerfile", () => {
  beforeAll(async () => {
    await Promise.all(
      IMAGE_KEYS.map(async (key) => {
        const plan = imagePlan(DOCKERFILE, IMAGES[key].target);
        const root = mkdtempSync(`${tmpdir()}/periskope-image-${key}-`);
        images[key] = { plan, root, files: assembleImage(plan, root) };
        await runInstall(plan, root);
      }),
    );
  }, 180_000);

  afterAll(async () => {
    const codes = await Promise.all(running.map((p) => p.stop()));
    const pubsub = createPubSub({ projectId: settings.PUBSUB_PROJECT_ID, emulatorHost: EMULATOR });
    await deleteTopology(pubsub, topologyNamesFromEnv(settings)).catch(() => undefined);
    await pubsub.close();
    const indices = [settings.ELASTICSEARCH_INDEX, settings.ELASTICSEARCH_CACHE_INDEX, settings.ELASTICSEARCH_EVENTS_INDEX, settings.ELASTICSEARCH_COMMANDS_INDEX];
    await fetch(`${ELASTICSEARCH_URL}/${indices.join(",")}?ignore_unavailable=true`, { method: "DELETE" }).catch(() => undefined);
    for (const key of IMAGE_KEYS) if (images[key]) rmSync(images[key].root, { recursive: true, force: true });
    expect(codes.every((c) => c === 0), `exit codes on SIGTERM: ${codes.join(", ")}`).toBe(true);
  }, 60_000);

  it("holds no test files, no .env and no devDependencies", () => {
    for (const key of IMAGE_KEYS) {
      const { files } = images[key];
      expect(files.filter((f) => f.endsWith(".test.ts") || /(^|\/)\.env/.test(f)), key).toEqual([]);
      expect(files, key).toContain(IMAGES[key].entry);
    }
    expect(images.worker.files).toContain("apps/worker/src/ops/main.ts");
  });

  it("runs docker-compose's provision step from the worker image", async () => {
    const provision = readCompose().services.provision;
    const command = Array.isArray(provision?.command) ? provision.command : undefined;
    const run = startImage(images.worker.plan, images.worker.root, settings, command);
    running.push(run);
    // A one-shot: compose starts the apps only once it has exited with 0.
    expect(await run.waitForExit(60_000)).toBe(0);
    const spec = topologySpec(topologyNamesFromEnv(settings));
    expect(run.output()).toContain(`"event":"StackProvisioned","topics":${spec.topics.length},"subscriptions":${spec.subscriptions.length}`);
  });

  it("starts the simulator image on loopback", async () => {
    const sim = startImage(images.simulator.plan, images.simulator.root, {
      SIMULATOR_PORT: "0",
      SIMULATOR_HOST: "127.0.0.1",
      SIMULATOR_CHATS: "20",
      SIMULATOR_API_KEY: API_KEY,
    });
    running.push(sim);
    const line = JSON.parse(await sim.waitForLine(/SimulatorListening/, 30_000)) as { url: string; phones: string[] };
    simulatorUrl = line.url;
    simulatorPhones = line.phones;
    expect(simulatorUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
  });

  it("starts the worker image and becomes ready", async () => {
    const port = await freePort();
    const worker = startImage(images.worker.plan, images.worker.root, {
      ...settings,
      WORKER_METRICS_PORT: String(port),
      PERISKOPE_API_URL: simulatorUrl,
      PERISKOPE_API_KEY: API_KEY,
      PERISKOPE_PHONES: simulatorPhones.join(","),
    });
    running.push(worker);
    workerMetricsUrl = `http://127.0.0.1:${port}`;
    await until("worker /readyz", 60_000, async () => ((await fetch(`${workerMetricsUrl}/readyz`)).ok ? true : undefined));
  });

  it("starts the ingress image: GET / answers and a signed webhook is accepted", async () => {
    const port = await freePort();
    const ingress = startImage(images.ingress.plan, images.ingress.root, {
      ...settings,
      PORT: String(port),
      HOST: "127.0.0.1",
      PERISKOPE_SIGNING_KEY: SIGNING_KEY,
    });
    running.push(ingress);
    ingressUrl = `http://127.0.0.1:${port}`;
    const root = await until("ingress GET /", 60_000, async () => {
      const response = await fetch(`${ingressUrl}/`);
      return response.ok ? ((await response.json()) as unknown) : undefined;
    });
    expect(root).toEqual({ message: "Webhook server is running" });
    await until("ingress /readyz", 30_000, async () => ((await fetch(`${ingressUrl}/readyz`)).ok ? true : undefined));
  });

  it("indexes the webhook's message with the chat name from the simulator", async () => {
    const control = simulatorUrl.replace(/\/v1$/, "/__control");
    const { chat_ids: chatIds } = (await (await fetch(`${control}/chats?limit=1`)).json()) as { chat_ids: string[] };
    const chat = (await (await fetch(`${control}/chats/${encodeURIComponent(chatIds[0] ?? "")}`)).json()) as { chat_id: string; chat_name: string | null };
    expect(chat.chat_name).toBeTruthy();

    const payload = messageCreated({ chatId: chat.chat_id, seed: suffix, index: 1, orgPhone: simulatorPhones[0] });
    const body = toRawBody(payload);
    const signature = createHmac("sha256", SIGNING_KEY).update(body).digest("hex");
    const response = await fetch(`${ingressUrl}/periskopewebhook`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-periskope-signature": signature },
      body,
    });
    expect(response.status).toBe(200);

    const messageId = String(payload.data.message_id);
    const doc = await until("the indexed message", 60_000, async () => {
      const r = await fetch(`${ELASTICSEARCH_URL}/${settings.ELASTICSEARCH_INDEX}/_doc/${encodeURIComponent(messageId)}`);
      if (!r.ok) return undefined;
      const source = ((await r.json()) as { _source?: { chat_name?: string | null } })._source;
      return source?.chat_name ? source : undefined;
    });
    expect(doc.chat_name).toBe(chat.chat_name);
  });
});
