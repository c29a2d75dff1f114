/**
 * `npm start` under test (the scripts' integration tests): each run gets its own ports, project,
 * indices and state folder, against the shared services the test setup provides (given through
 * ELASTICSEARCH_URL / PUBSUB_EMULATOR_HOST, which `npm start` uses and never stops).
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { createElasticsearchClient, deleteIndices } from "@periskope-pipeline/elasticsearch";
import { freePort, isAlive, livingGroupMembers, portIsFree, readStartRecord, REPO_ROOT, startRecordFile, type StartRecord } from "@periskope-pipeline/local-stack";
import { afterAll, beforeAll, expect } from "vitest";

/** Whatever ends `npm start`, nothing of it is left after this. */
const GONE_WITHIN_MS = 10_000;
/** From spawn to the printed sample curl, on a loaded two-core machine. */
export const READY_WITHIN_MS = 200_000;

export interface Stack {
  projectId: string;
  /** The process spawned: npm, or start.ts itself; the leader of its process group. */
  npm: ChildProcess;
  stateDir: string;
  ports: Record<"PORT" | "WORKER_METRICS_PORT" | "SIMULATOR_PORT", number>;
  indices: Record<"ELASTICSEARCH_INDEX" | "ELASTICSEARCH_CACHE_INDEX" | "ELASTICSEARCH_EVENTS_INDEX" | "ELASTICSEARCH_COMMANDS_INDEX", string>;
  output: () => string;
  exited: Promise<number | null>;
}

/** Polls `check` until it gives a value; past `timeoutMs` fails with what npm start printed. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs: number, output = () => ""): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}; npm start printed:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * How the stack is started: through npm, as people type it, or the script npm runs, whose exit code
 * a test can check (after a Ctrl-C npm exits by SIGINT itself, whatever its script returned).
 */
export type StartCommand = "npm start" | "node scripts/start.ts";

/** Runs `npm start` in its own process group, as a terminal runs a foreground job. */
export async function spawnStart(label: string, extraEnv: NodeJS.ProcessEnv = {}, command: StartCommand = "npm start"): Promise<Stack> {
  const projectId = `${label}-${Math.random().toString(36).slice(2, 8)}`;
  const ports = { PORT: await freePort(), WORKER_METRICS_PORT: await freePort(), SIMULATOR_PORT: await freePort() };
  const indices = {
    ELASTICSEARCH_INDEX: `${projectId}-messages`,
    ELASTICSEARCH_CACHE_INDEX: `${projectId}-names`,
    ELASTICSEARCH_EVENTS_INDEX: `${projectId}-events`,
    ELASTICSEARCH_COMMANDS_INDEX: `${projectId}-commands`,
  };
  const stateDir = mkdtempSync(path.join(tmpdir(), `npm-start-${label}-`));
  const [file, ...args] = command === "npm start" ? ["npm", "start"] : [process.execPath, "scripts/start.ts"];
  const npm = spawn(file as string, args, {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      ...indices,
      ...Object.fromEntries(Object.entries(ports).map(([name, port]) => [name, String(port)])),
      LOG_LEVEL: "warn",
      ...extraEnv,
      LOCAL_STACK_DIR: stateDir,
      PUBSUB_PROJECT_ID: projectId,
    },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  npm.stdout?.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  npm.stderr?.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => npm.once("exit", (code) => resolve(code)));
  return { projectId, npm, stateDir, ports, indices, output: () => output, exited };
}

/** Waits until npm start has printed where to look, its last lines (the find curl ends them). */
export async function untilReady(stack: Stack): Promise<Stack> {
  await waitFor("npm start to print where to look", () => (/Then find it indexed:\n.*\?pretty'\n/.test(stack.output()) ? true : undefined), READY_WITHIN_MS, stack.output);
  return stack;
}

/** The command printed on the line after `heading` in npm start's output. */
function printedCommand(stack: Stack, heading: string): string {
  const lines = stack.output().split("\n").map((line) => line.trim());
  return lines[lines.indexOf(heading) + 1] ?? "";
}

/** Runs the signed sample curl npm start printed, then the curl it printed to find that message indexed. */
export async function sendPrintedSample(stack: Stack, timeoutMs: number): Promise<Record<string, unknown>> {
  const sh = promisify(execFile);
  const webhookCurl = printedCommand(stack, "Send a signed sample message.created webhook:");
  const findCurl = printedCommand(stack, "Then find it indexed:");
  expect(webhookCurl).toMatch(/^curl .*x-periskope-signature: [0-9a-f]{64}/);
  expect(findCurl).toContain(stack.indices.ELASTICSEARCH_INDEX);

  const accepted = await sh("sh", ["-c", `${webhookCurl} -w '\\n%{http_code}'`], { timeout: 30_000 });
  expect(accepted.stdout.trim().split("\n").at(-1)).toBe("200");
  return waitFor(
    "the sample message to be indexed",
    async () => {
      const found = JSON.parse((await sh("sh", ["-c", findCurl], { timeout: 30_000 })).stdout) as { found?: boolean; _source?: Record<string, unknown> };
      return found.found ? found._source : undefined;
    },
    timeoutMs,
    stack.output,
  );
}

export function startRecord(stack: Stack): StartRecord {
  const record = readStartRecord(startRecordFile({ LOCAL_STACK_DIR: stack.stateDir }));
  if (!record) throw new Error(`no start record in ${stack.stateDir}`);
  return record;
}

/** What is still there of a stack: its recorded processes, its process group, its ports. */
async function leftOf(stack: Stack, record: StartRecord): Promise<string[]> {
  const left: string[] = [];
  for (const process of [{ name: "npm start", ...record }, ...record.children]) {
    if (isAlive(process)) left.push(`${process.name} (pid ${process.pid})`);
  }
  for (const pid of stack.npm.pid === undefined ? [] : livingGroupMembers(stack.npm.pid)) left.push(`group member pid ${pid}`);
  for (const [name, port] of Object.entries(stack.ports)) {
    if (!(await portIsFree(port))) left.push(`${name} ${port}`);
  }
  return left;
}

export async function expectAllGone(stack: Stack, record: StartRecord): Promise<void> {
  const started = Date.now();
  let left = await leftOf(stack, record);
  while (left.length > 0 && Date.now() - started < GONE_WITHIN_MS) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    left = await leftOf(stack, record);
  }
  expect(left, `still there ${GONE_WITHIN_MS / 1000}s after; npm start printed:\n${stack.output()}`).toEqual([]);
}

/** For afterAll: kills whatever a failed test left of the stack, drops its indices and state. */
export async function removeStack(stack: Stack): Promise<void> {
  if (stack.npm.pid !== undefined && livingGroupMembers(stack.npm.pid).length > 0) process.kill(-stack.npm.pid, "SIGKILL");
  const record = readStartRecord(startRecordFile({ LOCAL_STACK_DIR: stack.stateDir }));
  for (const child of record?.children ?? []) if (isAlive(child)) process.kill(-child.pid, "SIGKILL");
  const es = createElasticsearchClient({ url: process.env.ELASTICSEARCH_URL ?? "" });
  await deleteIndices(es, Object.values(stack.indices)).catch(() => undefined);
  await es.close();
  rmSync(stack.stateDir, { recursive: true, force: true });
}

/** One stack for a whole test file: ready before its first test, removed after its last. */
export function stackForFile(label: string, extraEnv: NodeJS.ProcessEnv = {}, command: StartCommand = "npm start"): () => Stack {
  let stack: Stack | undefined;
  beforeAll(async () => {
    stack = await spawnStart(label, extraEnv, command);
    await untilReady(stack);
  }, READY_WITHIN_MS + 30_000);
  afterAll(async () => {
    if (stack) await removeStack(stack);
  });
  return () => {
    if (!stack) throw new Error(`the ${label} stack did not start`);
    return stack;
  };
}
