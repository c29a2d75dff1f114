/**
 * `npm start` used the way people really use it: a second shell running the README's ops
 * commands with nothing set, the terminal closed instead of Ctrl-C, the start process killed
 * outright, a port already taken. Each stack runs against the shared services (given through
 * ELASTICSEARCH_URL / PUBSUB_EMULATOR_HOST, which `npm start` never stops) with its own ports,
 * project, indices and state folder. The two stacks start side by side to keep the file short.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { createElasticsearchClient, deleteIndices } from "@periskope-pipeline/elasticsearch";
import {
  freePort,
  isAlive,
  livingGroupMembers,
  portIsFree,
  readStartRecord,
  REPO_ROOT,
  startRecordFile,
  type StartRecord,
} from "@periskope-pipeline/local-stack";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/** The bound: whatever ends `npm start`, nothing of it is left after this. */
const GONE_WITHIN_MS = 10_000;
const READY_WITHIN_MS = 200_000;

interface Stack {
  label: string;
  npm: ChildProcess;
  stateDir: string;
  ports: Record<"PORT" | "WORKER_METRICS_PORT" | "SIMULATOR_PORT", number>;
  indices: Record<string, string>;
  output: () => string;
  exited: Promise<unknown>;
}

const stacks: Stack[] = [];
const es = createElasticsearchClient({ url: process.env.ELASTICSEARCH_URL ?? "" });

async function waitFor<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs: number, output = () => ""): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}; npm start printed:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Runs `npm start` in its own process group, as a terminal runs a foreground job. */
async function spawnStart(label: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<Stack> {
  const id = `${label}-${Math.random().toString(36).slice(2, 8)}`;
  const ports = { PORT: await freePort(), WORKER_METRICS_PORT: await freePort(), SIMULATOR_PORT: await freePort() };
  const indices = {
    ELASTICSEARCH_INDEX: `life-${id}-messages`,
    ELASTICSEARCH_CACHE_INDEX: `life-${id}-names`,
    ELASTICSEARCH_EVENTS_INDEX: `life-${id}-events`,
    ELASTICSEARCH_COMMANDS_INDEX: `life-${id}-commands`,
  };
  const stateDir = mkdtempSync(path.join(tmpdir(), `npm-start-${label}-`));
  const npm = spawn("npm", ["start"], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      ...indices,
      ...Object.fromEntries(Object.entries(ports).map(([name, port]) => [name, String(port)])),
      ...extraEnv,
      LOCAL_STACK_DIR: stateDir,
      PUBSUB_PROJECT_ID: `life-${id}`,
      LOG_LEVEL: "warn",
    },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  npm.stdout?.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  npm.stderr?.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  const exited = new Promise((resolve) => npm.once("exit", resolve));
  const stack: Stack = { label, npm, stateDir, ports, indices, output: () => output, exited };
  stacks.push(stack);
  return stack;
}

async function startStack(label: string): Promise<Stack> {
  const stack = await spawnStart(label);
  await waitFor("npm start to print where to look", () => (stack.output().includes("Then find it indexed:") ? true : undefined), READY_WITHIN_MS, stack.output);
  return stack;
}

function startRecord(stack: Stack): StartRecord {
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

async function expectAllGone(stack: Stack, record: StartRecord): Promise<void> {
  const started = Date.now();
  let left = await leftOf(stack, record);
  while (left.length > 0 && Date.now() - started < GONE_WITHIN_MS) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    left = await leftOf(stack, record);
  }
  expect(left, `still there ${GONE_WITHIN_MS / 1000}s after; npm start printed:\n${stack.output()}`).toEqual([]);
}

/** The addresses a port listens on, from /proc/net/tcp{,6} (hex, e.g. 0100007F = 127.0.0.1). */
function listenAddresses(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
  return ["tcp", "tcp6"].flatMap((table) =>
    readFileSync(`/proc/net/${table}`, "utf8")
      .split("\n")
      .map((line) => line.trim().split(/\s+/))
      .filter((fields) => fields[3] === "0A" && fields[1]?.endsWith(`:${hexPort}`))
      .map((fields) => (fields[1] as string).split(":")[0] as string),
  );
}

let closedTerminal: Stack;
let killed: Stack;

beforeAll(async () => {
  [closedTerminal, killed] = await Promise.all([startStack("hup"), startStack("kill")]);
}, READY_WITHIN_MS + 30_000);

afterAll(async () => {
  for (const stack of stacks) {
    if (stack.npm.pid !== undefined && livingGroupMembers(stack.npm.pid).length > 0) {
      process.kill(-stack.npm.pid, "SIGKILL");
    }
    const record = readStartRecord(startRecordFile({ LOCAL_STACK_DIR: stack.stateDir }));
    for (const child of record?.children ?? []) if (isAlive(child)) process.kill(-child.pid, "SIGKILL");
    await deleteIndices(es, Object.values(stack.indices)).catch(() => undefined);
    rmSync(stack.stateDir, { recursive: true, force: true });
  }
  await es.close();
});

describe("a running npm start", () => {
  it("listens on 127.0.0.1 only", () => {
    for (const port of Object.values(closedTerminal.ports)) expect(listenAddresses(port), `port ${port}`).toEqual(["0100007F"]);
  });

  it("is found by `npm run ops` from a shell with nothing set, which ends with the run's stats", async () => {
    // Only what a new shell in the checkout has: no PUBSUB_EMULATOR_HOST, project, index or topic.
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, LOCAL_STACK_DIR: closedTerminal.stateDir };
    const ops = spawn("npm", ["run", "--silent", "ops", "--", "refresh-cache", "--wait", "--timeout", "90"], { cwd: REPO_ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    ops.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    ops.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => ops.kill("SIGKILL"), 110_000);
    const code = await new Promise((resolve) => ops.once("close", resolve));
    clearTimeout(timer);

    expect(code, `stdout:\n${stdout}\nstderr:\n${stderr}`).toBe(0);
    expect(stderr).toContain(`project life-${closedTerminal.label}`);
    expect(stdout).toMatch(/refresh-cache\s+succeeded/);
    expect(stdout).toMatch(/total_chats\s+[\d,]+/);
  }, 120_000);
});

describe("when npm start ends", () => {
  it("on a closed terminal (SIGHUP to its process group, its output gone), everything it started is gone", async () => {
    const record = startRecord(closedTerminal);
    expect(record.children.map((child) => child.name).sort()).toEqual(["ingress", "simulator", "worker"]);
    process.kill(-(closedTerminal.npm.pid as number), "SIGHUP");
    // The terminal is gone: nothing reads what npm start writes any more.
    closedTerminal.npm.stdout?.destroy();
    closedTerminal.npm.stderr?.destroy();
    await expectAllGone(closedTerminal, record);
  });

  it("killed outright (SIGKILL of the start process alone), everything it started is gone", async () => {
    const record = startRecord(killed);
    process.kill(record.pid, "SIGKILL");
    await expectAllGone(killed, record);
  });
});

describe("npm start with a port taken by another process", () => {
  let foreign: Server;
  afterAll(() => new Promise<void>((resolve) => foreign.close(() => resolve())));

  it("says in one line which port, which process and which variable, exits non-zero and leaves nothing running", async () => {
    const port = await freePort();
    foreign = createServer();
    await new Promise<void>((resolve) => foreign.listen(port, "127.0.0.1", resolve));

    const stack = await spawnStart("port", { SIMULATOR_PORT: String(port) });
    const code = await waitFor("npm start to give up", () => (stack.npm.exitCode ?? undefined), 60_000, stack.output);

    expect(code).not.toBe(0);
    // Every line npm start itself says, but for "loaded .env" in a checkout that has one.
    const lines = stack.output().split("\n").filter((line) => line.startsWith("[start]") && !line.startsWith("[start] loaded "));
    expect(lines, stack.output()).toEqual([
      expect.stringMatching(new RegExp(`^\\[start\\] port ${port} \\(SIMULATOR_PORT\\) is taken by pid ${process.pid} \\(.*node.*\\); stop it, or set SIMULATOR_PORT to a free port$`)),
    ]);
    expect(stack.output()).not.toMatch(/^\s+at /m);
    expect(readStartRecord(startRecordFile({ LOCAL_STACK_DIR: stack.stateDir }))).toBeUndefined();
    for (const name of ["PORT", "WORKER_METRICS_PORT"] as const) expect(await portIsFree(stack.ports[name]), name).toBe(true);
  });
});
