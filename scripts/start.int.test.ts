/**
 * `npm start` as the README's Quick start runs it (scripts/start.ts): everything comes up, the
 * signed curl it prints is accepted, its message is indexed with the chat's name, and Ctrl-C stops
 * every process it started. It runs against the shared services the test setup provides (given
 * through ELASTICSEARCH_URL / PUBSUB_EMULATOR_HOST, which `npm start` uses and never stops), with
 * its own ports, project, indices and state folder.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { createElasticsearchClient, deleteIndices } from "@periskope-pipeline/elasticsearch";
import { elasticsearchIsHealthy, freePort, REPO_ROOT } from "@periskope-pipeline/local-stack";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const id = Math.random().toString(36).slice(2, 8);
const indices = {
  ELASTICSEARCH_INDEX: `start-${id}-messages`,
  ELASTICSEARCH_CACHE_INDEX: `start-${id}-names`,
  ELASTICSEARCH_EVENTS_INDEX: `start-${id}-events`,
  ELASTICSEARCH_COMMANDS_INDEX: `start-${id}-commands`,
};
const stateDir = mkdtempSync(path.join(tmpdir(), "npm-start-"));
const es = createElasticsearchClient({ url: process.env.ELASTICSEARCH_URL ?? "" });

let start: ChildProcess;
let output = "";
let exited: Promise<number | null>;
const urls: Record<string, string> = {};

async function waitFor<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`timed out waiting for ${what}; npm start printed:\n${output}`);
}

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await response.body?.cancel();
    return true;
  } catch {
    return false;
  }
}

beforeAll(async () => {
  const [ingressPort, metricsPort, simulatorPort] = [await freePort(), await freePort(), await freePort()];
  urls.ingress = `http://127.0.0.1:${ingressPort}/healthz`;
  urls.worker = `http://127.0.0.1:${metricsPort}/metrics`;
  urls.simulator = `http://127.0.0.1:${simulatorPort}/`;
  start = spawn(process.execPath, ["scripts/start.ts"], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      ...indices,
      LOCAL_STACK_DIR: stateDir,
      PORT: String(ingressPort),
      WORKER_METRICS_PORT: String(metricsPort),
      SIMULATOR_PORT: String(simulatorPort),
      PUBSUB_PROJECT_ID: `npm-start-${id}`,
      LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  start.stdout?.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  start.stderr?.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  exited = new Promise((resolve) => start.once("exit", (code) => resolve(code)));
  await waitFor("npm start to print where to look", () => (output.includes("Then find it indexed:") && output.trimEnd().endsWith("?pretty'") ? true : undefined), 150_000);
});

afterAll(async () => {
  if (start && start.exitCode === null) {
    start.kill("SIGINT");
    await exited;
  }
  await deleteIndices(es, Object.values(indices)).catch(() => undefined);
  await es.close();
  rmSync(stateDir, { recursive: true, force: true });
});

describe("npm start", () => {
  it("accepts the signed curl it prints and indexes that message with its chat's name", async () => {
    const lines = output.split("\n").map((line) => line.trim());
    const webhookCurl = lines[lines.indexOf("Send a signed sample message.created webhook:") + 1] ?? "";
    const findCurl = lines[lines.indexOf("Then find it indexed:") + 1] ?? "";
    expect(webhookCurl).toMatch(/^curl .*x-periskope-signature: [0-9a-f]{64}/);
    expect(findCurl).toContain(indices.ELASTICSEARCH_INDEX);

    const sh = promisify(execFile);
    const accepted = await sh("sh", ["-c", `${webhookCurl} -w '\\n%{http_code}'`], { timeout: 30_000 });
    expect(accepted.stdout.trim().split("\n").at(-1)).toBe("200");

    const document = await waitFor(
      "the sample message to be indexed",
      async () => {
        const found = JSON.parse((await sh("sh", ["-c", findCurl], { timeout: 30_000 })).stdout) as { found?: boolean; _source?: Record<string, unknown> };
        return found.found ? found._source : undefined;
      },
      60_000,
    );
    expect(document.chat_name).toEqual(expect.any(String));
    expect(document.chat_name_status).not.toBe("unresolved");
  });

  it("stops everything it started on Ctrl-C and leaves the given services running", async () => {
    for (const url of Object.values(urls)) expect(await answers(url), url).toBe(true);
    start.kill("SIGINT");
    expect(await exited).toBe(0);
    expect(output).toContain("[start] stopped");
    for (const url of Object.values(urls)) expect(await answers(url), `${url} after stop`).toBe(false);
    expect(await elasticsearchIsHealthy(process.env.ELASTICSEARCH_URL ?? "")).toBe(true);
  });
});
