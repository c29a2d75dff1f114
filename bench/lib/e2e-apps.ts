/**
 * The processes the e2e bench measures, each started as deployed (its own Node process with its
 * recommended flags, settings from the environment): the ingress, the worker, the single-process
 * reference server, and the load tool. Every one is killed when the bench exits, whatever happened.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { INGRESS_NODE_FLAGS } from "../../apps/ingress/src/server/node-flags.ts";
import { WORKER_NODE_FLAGS } from "../../apps/worker/src/node-flags.ts";
import type { LoadDone, LoadSpec } from "./e2e-load.ts";
import { startServerProcess, type ServerProcess } from "./ingress-server-process.ts";

const path = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));

export function startIngress(env: Record<string, string>): Promise<ServerProcess> {
  return startServerProcess(path("../../apps/ingress/src/main.ts"), { LOG_LEVEL: "info", ...env }, INGRESS_NODE_FLAGS);
}

export function startSingleProcessServer(env: Record<string, string>): Promise<ServerProcess> {
  return startServerProcess(path("./e2e-single-process-server.ts"), env);
}

export interface WorkerProcess {
  readonly pid: number;
  metrics(): Promise<string>;
  stop(): Promise<void>;
}

const children = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of children) child.kill("SIGKILL");
});

/** The worker (`apps/worker/src/main.ts`), ready once its `/readyz` answers (it is pulling). */
export async function startWorker(env: Record<string, string>, metricsPort: number, timeoutMs = 60_000): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [...WORKER_NODE_FLAGS, path("../../apps/worker/src/main.ts")], {
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env, WORKER_METRICS_PORT: String(metricsPort) },
    stdio: ["ignore", "ignore", "pipe"],
  });
  children.add(child);
  let stderr = "";
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (stderr = (stderr + chunk).slice(-4_000)));
  const exited = new Promise<void>((resolve) => child.once("exit", () => (children.delete(child), resolve())));
  const base = `http://127.0.0.1:${metricsPort}`;
  const deadline = Date.now() + timeoutMs;
  while (!(await fetch(`${base}/readyz`).then((r) => r.ok, () => false))) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`worker did not become ready: ${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    pid: child.pid!,
    metrics: () => fetch(`${base}/metrics`).then((r) => r.text()),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      const killer = setTimeout(() => child.kill("SIGKILL"), 30_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

export interface LoadRun {
  readonly pid: number;
  readonly done: Promise<LoadDone>;
}

/** Starts the load tool; `onSample` gets the message id of every sampled webhook as it is sent. */
export function startLoad(spec: LoadSpec, onSample: (messageId: string) => void): LoadRun {
  const child = spawn(process.execPath, [path("./e2e-load.ts"), JSON.stringify(spec)], { stdio: ["ignore", "pipe", "pipe"] });
  children.add(child);
  let stderr = "";
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (stderr = (stderr + chunk).slice(-4_000)));
  const done = new Promise<LoadDone>((resolve, reject) => {
    let buffered = "";
    let result: LoadDone | undefined;
    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
      buffered += chunk;
      for (let newline = buffered.indexOf("\n"); newline >= 0; newline = buffered.indexOf("\n")) {
        const line = JSON.parse(buffered.slice(0, newline)) as { sample?: string; done?: LoadDone };
        buffered = buffered.slice(newline + 1);
        if (line.sample) onSample(line.sample);
        if (line.done) result = line.done;
      }
    });
    child.once("exit", (code) => {
      children.delete(child);
      if (result) resolve(result);
      else reject(new Error(`load tool exited (${code}) without a result: ${stderr}`));
    });
  });
  return { pid: child.pid!, done };
}

/** The kernel's high-water mark of a process's resident set (VmHWM), in MB; 0 once it is gone. */
export function peakRssMb(pid: number): number {
  try {
    const kb = Number(/^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
    return Math.round(kb / 1024);
  } catch {
    return 0;
  }
}
