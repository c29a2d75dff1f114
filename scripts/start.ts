/**
 * `npm start`: the whole pipeline on this machine. Elasticsearch and the Pub/Sub emulator (unless
 * ELASTICSEARCH_URL / PUBSUB_EMULATOR_HOST are given), the Periskope simulator (unless
 * PERISKOPE_API_URL is given), the topology and templates, then ingress and worker. Ctrl-C, a
 * closed terminal or `npm run stop` stops everything it started, in order: intake first, the
 * shared services last. Killed outright, it still leaves nothing: its apps stop themselves when
 * their pipe from it closes (exit-with-parent.ts) and the stack's reaper stops the services.
 */
import { existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import {
  claimStartRecord,
  ensureStack,
  firstTakenPort,
  removeStartRecord,
  REPO_ROOT,
  stackDir,
  updateStartRecord,
  type LocalStack,
  type StartRecord,
} from "@periskope-pipeline/local-stack";
import { INGRESS_NODE_FLAGS } from "../apps/ingress/src/server/node-flags.ts";
import { WORKER_NODE_FLAGS } from "../apps/worker/src/node-flags.ts";
import { startApp, type AppExit, type AppProcess } from "./app-process.ts";
import { APP_PORTS, localEnvironment, LOCAL_DEFAULTS, recordedSettings } from "./local-defaults.ts";
import { prettyLogLine } from "./pretty-log.ts";
import { provisionLocal } from "./provision.ts";
import { sampleMessageCreated, signWebhookBody, webhookCurl, type SampleChat } from "./sample-webhook.ts";
import { parseSimulatorListening, type SimulatorListening } from "./simulator-listening.ts";

// A closed terminal (SIGHUP) makes every later write to it fail (EIO, or EPIPE on a pipe). The
// shutdown that SIGHUP starts must still finish, so failed writes are dropped, never thrown.
for (const stream of [process.stdout, process.stderr]) stream.on("error", () => {});

const say = (line: string) => process.stdout.write(`[start] ${line}\n`);
// On a terminal the apps' JSON logs are shown one readable line per event; piped, they stay JSON.
const formatLog = process.stdout.isTTY ? prettyLogLine(process.stdout.hasColors()) : undefined;

const ENTRY_POINTS = {
  simulator: "packages/testkit/src/simulator/main.ts",
  ingress: "apps/ingress/src/main.ts",
  worker: "apps/worker/src/main.ts",
} as const;

// Heap bounds the apps ask for, as their images start them.
const NODE_FLAGS: Readonly<Record<string, readonly string[]>> = { ingress: INGRESS_NODE_FLAGS, worker: WORKER_NODE_FLAGS };

const STOP_ORDER: readonly string[] = ["ingress", "worker", "simulator"];

// Checked before anything starts: a missing app should not cost an Elasticsearch start first.
const missing = Object.values(ENTRY_POINTS).filter((entry) => !existsSync(path.join(REPO_ROOT, entry)));
if (missing.length > 0) {
  process.stderr.write(`[start] missing entry points: ${missing.join(", ")}\n`);
  process.exit(1);
}

const dotEnv = path.join(REPO_ROOT, ".env");
if (existsSync(dotEnv)) {
  process.loadEnvFile(dotEnv);
  say(`loaded ${dotEnv}`);
}

const claim = await claimStartRecord();
if (!claim.claimed) {
  say(`already running (pid ${claim.running.pid}${claim.running.ingressUrl ? `, ingress ${claim.running.ingressUrl}` : ""}); \`npm run stop\` stops it`);
  process.exit(1);
}

for (const left of claim.cleared) say(`${left.name}: ${left.outcome} (pid ${left.pid}, left by an npm start that died)`);
const record: StartRecord = claim.record;

// Checked before anything starts: a port taken by something else is one line, and nothing to undo.
const withSimulator = !process.env.PERISKOPE_API_URL;
const takenPort = await firstTakenPort(
  APP_PORTS.filter((app) => withSimulator || app.name !== "simulator").map((app) => ({
    variable: app.portVariable,
    port: Number(process.env[app.portVariable] || LOCAL_DEFAULTS[app.portVariable]),
    host: process.env[app.hostVariable] || LOCAL_DEFAULTS[app.hostVariable],
  })),
);
if (takenPort) {
  process.stderr.write(`[start] ${takenPort}\n`);
  removeStartRecord();
  process.exit(1);
}

const apps: AppProcess[] = [];
let stopping: Promise<void> | undefined;
// Kept as a promise so a Ctrl-C during startup still waits for, and then stops, what is starting.
const stackReady: Promise<LocalStack> = ensureStack();

function shutdown(reason: string, exitCode: number): Promise<void> {
  stopping ??= (async () => {
    say(`stopping (${reason})`);
    // Intake first, then the worker (it drains what it holds), then what they depend on: nothing
    // in flight loses its queue, its API or its index.
    for (const app of [...apps].sort((a, b) => STOP_ORDER.indexOf(a.name) - STOP_ORDER.indexOf(b.name))) {
      const outcome = await app.stop();
      say(`${app.name}: ${outcome}`);
    }
    const stack = await stackReady.catch(() => undefined);
    await stack?.stop();
    removeStartRecord();
    say("stopped");
    process.exit(exitCode);
  })();
  return stopping;
}

for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(signal, () => {
    if (stopping) {
      say("still stopping; `npm run stop` clears anything left if you cannot wait");
      return;
    }
    void shutdown(signal, 0);
  });
}

try {
  const stack = await stackReady;
  if (stopping) await stopping;

  const simulator = withSimulator ? await startSimulator() : undefined;
  const env = localEnvironment(process.env, {
    elasticsearchUrl: stack.elasticsearchUrl,
    pubsubEmulatorHost: stack.pubsubEmulatorHost,
    periskopeApiUrl: process.env.PERISKOPE_API_URL || simulator?.url || "",
    periskopePhones: simulator?.phones ?? [],
  });

  const created = await provisionLocal(env);
  say(`Pub/Sub: ${created.topics} topics, ${created.subscriptions} subscriptions in project ${env.PUBSUB_PROJECT_ID}; Elasticsearch templates installed`);
  // From here `npm run ops` in any shell of this checkout finds the stack through the record.
  record.settings = recordedSettings(env);
  updateStartRecord(record);

  const ingressUrl = `http://127.0.0.1:${env.PORT}`;
  const workerMetricsUrl = `http://127.0.0.1:${env.WORKER_METRICS_PORT}/metrics`;
  await startAndWait("ingress", ENTRY_POINTS.ingress, env, `${ingressUrl}/healthz`);
  await startAndWait("worker", ENTRY_POINTS.worker, env, workerMetricsUrl);
  record.ingressUrl = ingressUrl;
  updateStartRecord(record);

  const chat = simulator ? await firstSimulatedChat(simulator, env) : undefined;
  printWhereToLook(env, ingressUrl, workerMetricsUrl, simulator, chat);

  const exit = await Promise.race(apps.map((app) => app.exited.then((result) => ({ app, result }))));
  await shutdown(`${exit.app.name} exited unexpectedly (${describeExit(exit.result)})`, 1);
} catch (error) {
  if (!stopping) {
    process.stderr.write(`[start] ${error instanceof Error ? error.message : String(error)}\n`);
    await shutdown("startup failed", 1);
  }
}

async function startSimulator(): Promise<SimulatorListening> {
  let listening: SimulatorListening | undefined;
  const app = track(
    startApp("simulator", ENTRY_POINTS.simulator, {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        SIMULATOR_PORT: process.env.SIMULATOR_PORT || LOCAL_DEFAULTS.SIMULATOR_PORT,
        SIMULATOR_HOST: process.env.SIMULATOR_HOST || LOCAL_DEFAULTS.SIMULATOR_HOST,
      },
      format: formatLog,
      onLine: (line) => {
        listening ??= parseSimulatorListening(line);
      },
    }),
  );
  await waitFor("simulator", app, async () => listening !== undefined, 30_000);
  return listening!;
}

async function startAndWait(name: string, entry: string, env: NodeJS.ProcessEnv, readyUrl: string): Promise<void> {
  const app = track(startApp(name, entry, { cwd: REPO_ROOT, env, nodeFlags: NODE_FLAGS[name] ?? [], format: formatLog }));
  await waitFor(name, app, () => answers(readyUrl), 60_000);
}

function track(app: AppProcess): AppProcess {
  apps.push(app);
  record.children.push({ name: app.name, pid: app.record.pid, startTime: app.record.startTime });
  updateStartRecord(record);
  return app;
}

/** Polls `ready` until it holds; fails early, with the exit status, if the app dies first. */
async function waitFor(name: string, app: AppProcess, ready: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  let exit: AppExit | undefined;
  void app.exited.then((result) => {
    exit = result;
  });
  const deadline = Date.now() + timeoutMs;
  while (!(await ready())) {
    if (stopping) await stopping;
    if (exit) throw new Error(`${name} exited during startup (${describeExit(exit)})`);
    if (Date.now() > deadline) throw new Error(`${name} not ready after ${timeoutMs / 1000}s`);
    await sleep(200);
  }
  say(`${name}: ready`);
}

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

/** A chat the simulator knows, so the sample webhook's chat name resolves end to end. */
async function firstSimulatedChat(simulator: SimulatorListening, env: NodeJS.ProcessEnv): Promise<SampleChat | undefined> {
  const phone = simulator.phones[0];
  if (!phone) return undefined;
  try {
    const response = await fetch(`${simulator.url}/chats?offset=0&limit=1`, {
      headers: { authorization: `Bearer ${env.PERISKOPE_API_KEY}`, "x-phone": phone },
      signal: AbortSignal.timeout(5_000),
    });
    const page = (await response.json()) as { chats?: SampleChat[] };
    return page.chats?.[0];
  } catch {
    return undefined;
  }
}

function printWhereToLook(
  env: NodeJS.ProcessEnv,
  ingressUrl: string,
  workerMetricsUrl: string,
  simulator: SimulatorListening | undefined,
  chat: SampleChat | undefined,
): void {
  const sample = sampleMessageCreated(
    chat ?? { chat_id: "120363400000000001@g.us", org_phone: `${(env.PERISKOPE_PHONES ?? "447700900123").split(",")[0]}@c.us` },
  );
  const bodyFile = path.join(stackDir(), "sample-webhook.json");
  writeFileSync(bodyFile, sample);
  const signature = signWebhookBody(sample, env.PERISKOPE_SIGNING_KEY ?? "");
  const messageId = (JSON.parse(sample) as { data: { message_id: string } }).data.message_id;
  const index = env.ELASTICSEARCH_INDEX || "whatsapp_messages";
  const lines = [
    "",
    "periskope-pipeline is running. Ctrl-C here, or `npm run stop` elsewhere, stops it.",
    `  ingress         ${ingressUrl}  (metrics ${ingressUrl}/metrics)`,
    `  worker metrics  ${workerMetricsUrl}`,
    `  elasticsearch   ${env.ELASTICSEARCH_URL}  (messages: ${env.ELASTICSEARCH_URL}/${index}/_search)`,
    `  pubsub emulator ${env.PUBSUB_EMULATOR_HOST}  (project ${env.PUBSUB_PROJECT_ID})`,
    simulator ? `  simulator       ${simulator.url}  (control ${simulator.control})` : `  periskope api   ${env.PERISKOPE_API_URL}`,
    "",
    "Send a signed sample message.created webhook:",
    `  ${webhookCurl(ingressUrl, signature, bodyFile)}`,
    "Then find it indexed:",
    `  curl -s '${env.ELASTICSEARCH_URL}/${index}/_doc/${encodeURIComponent(messageId)}?pretty'`,
    "",
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
}

function describeExit(exit: AppExit): string {
  return exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`;
}
