/**
 * `npm start` used the way people really use it: a second shell running the README's ops
 * commands with nothing set, the terminal closed instead of Ctrl-C, the start process killed
 * outright, a port already taken. Each stack runs against the shared services (given through
 * ELASTICSEARCH_URL / PUBSUB_EMULATOR_HOST, which `npm start` never stops) with its own ports,
 * project, indices and state folder. The two stacks start side by side to keep the file short.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { freePort, portIsFree, readStartRecord, REPO_ROOT, startRecordFile } from "@periskope-pipeline/local-stack";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectAllGone, READY_WITHIN_MS, removeStack, spawnStart, startRecord, untilReady, waitFor, type Stack } from "./npm-start-harness.ts";

const stacks: Stack[] = [];

async function startStack(label: string): Promise<Stack> {
  const stack = await spawnStart(label);
  stacks.push(stack);
  return untilReady(stack);
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
  [closedTerminal, killed] = await Promise.all([startStack("life-hup"), startStack("life-kill")]);
}, READY_WITHIN_MS + 30_000);

afterAll(async () => {
  for (const stack of stacks) await removeStack(stack);
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
    expect(stderr).toContain(`project ${closedTerminal.projectId}`);
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

    const stack = await spawnStart("life-port", { SIMULATOR_PORT: String(port) });
    stacks.push(stack);
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
