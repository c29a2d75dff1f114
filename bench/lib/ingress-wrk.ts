/**
 * wrk, the load tool of the ingress bench: found on PATH, or installed from Debian (`apt-get
 * install -y wrk`) when missing and we are root. The same binary and settings drive both servers.
 */
import { execFileSync, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { cpuSeconds } from "./worker-cpu.ts";

export interface WrkTool {
  readonly path: string;
  readonly version: string;
}

function which(command: string): string | undefined {
  try {
    return execFileSync("sh", ["-c", `command -v ${command}`], { encoding: "utf8" }).trim() || undefined;
  } catch {
    return undefined;
  }
}

export function locateWrk(log: (message: string) => void): WrkTool {
  let path = which("wrk");
  if (!path) {
    if (process.getuid?.() !== 0 || !which("apt-get")) throw new Error("wrk is not installed; install it (Debian: apt-get install -y wrk) and run again");
    log("wrk not found: installing it with apt-get (Debian package wrk)");
    try {
      execFileSync("apt-get", ["install", "-y", "wrk"], { stdio: "ignore", timeout: 300_000 });
    } catch {
      execFileSync("apt-get", ["update"], { stdio: "ignore", timeout: 300_000 });
      execFileSync("apt-get", ["install", "-y", "wrk"], { stdio: "ignore", timeout: 300_000 });
    }
    path = which("wrk");
    if (!path) throw new Error("apt-get did not provide wrk");
  }
  // `wrk --version` prints its banner and exits non-zero.
  let version = "";
  try {
    execFileSync(path, ["--version"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (error) {
    version = String((error as { stdout?: string }).stdout ?? "").split("\n")[0]?.trim() ?? "";
  }
  return { path, version };
}

/** A wrk script that cycles through pre-formatted signed POSTs (formatted once, not per request). */
export function writeWrkScript(file: string, path: string, requests: readonly { body: string; headers: Record<string, string> }[]): void {
  const lua = (text: string) => `[==[${text}]==]`;
  const entries = requests
    .map(({ body, headers }) => `  { body = ${lua(body)}, headers = { ${Object.entries(headers).map(([k, v]) => `[ ${lua(k)} ] = ${lua(v)}`).join(", ")} } },`)
    .join("\n");
  writeFileSync(
    file,
    `local specs = {\n${entries}\n}\nlocal formatted = {}\nlocal i = 0\ninit = function(args)\n  for n, spec in ipairs(specs) do formatted[n] = wrk.format("POST", ${lua(path)}, spec.headers, spec.body) end\nend\nrequest = function()\n  i = i % #formatted + 1\n  return formatted[i]\nend\n`,
  );
}

export interface WrkResult {
  readonly requests: number;
  readonly durationSeconds: number;
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Socket errors: connect + read + write + timeout. */
  readonly errors: number;
  readonly non2xx: number;
  /** CPU seconds wrk itself used (sampled every 100 ms while it ran, so a little low). */
  readonly cpuSeconds: number;
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };

function durationMs(text: string | undefined): number {
  const match = /^([\d.]+)(us|ms|s|m)$/.exec(text ?? "");
  if (!match) return Number.NaN;
  return Number(match[1]) * (UNIT_MS[match[2] as string] as number);
}

export function parseWrkOutput(output: string): Omit<WrkResult, "cpuSeconds"> {
  const requests = /(\d+) requests in ([\d.]+)(us|ms|s|m)/.exec(output);
  const errors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  return {
    requests: Number(requests?.[1] ?? 0),
    durationSeconds: durationMs(`${requests?.[2]}${requests?.[3]}`) / 1000,
    requestsPerSecond: Number(/Requests\/sec:\s+([\d.]+)/.exec(output)?.[1] ?? 0),
    p50Ms: durationMs(/^\s+50%\s+(\S+)/m.exec(output)?.[1]),
    p99Ms: durationMs(/^\s+99%\s+(\S+)/m.exec(output)?.[1]),
    errors: errors ? errors.slice(1, 5).reduce((sum, n) => sum + Number(n), 0) : 0,
    non2xx: Number(/Non-2xx or 3xx responses: (\d+)/.exec(output)?.[1] ?? 0),
  };
}

export interface WrkRun {
  readonly url: string;
  readonly script: string;
  readonly connections: number;
  readonly threads: number;
  readonly seconds: number;
}

export function runWrk(tool: WrkTool, run: WrkRun): Promise<WrkResult> {
  const args = [`-t${run.threads}`, `-c${run.connections}`, `-d${run.seconds}s`, "--timeout", "10s", "--latency", "-s", run.script, run.url];
  return new Promise((resolve, reject) => {
    const child = spawn(tool.path, args, { stdio: ["ignore", "pipe", "pipe"] });
    // The load tool shares the two cores with the servers: its CPU is part of the arithmetic.
    let cpu = 0;
    const sampler = setInterval(() => (cpu = Math.max(cpu, cpuSeconds({ wrk: { pid: child.pid as number } }).wrk ?? 0)), 100);
    let output = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
    child.once("error", (error) => {
      clearInterval(sampler);
      reject(error);
    });
    child.once("exit", (code) => {
      clearInterval(sampler);
      if (code === 0) resolve({ ...parseWrkOutput(output), cpuSeconds: cpu });
      else reject(new Error(`wrk exited ${code}: ${output}`));
    });
  });
}
