import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { recordOf, stopProcessGroup, type ProcessRecord, type StopOutcome } from "@periskope-pipeline/local-stack";

export interface AppExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface AppProcess {
  name: string;
  record: ProcessRecord;
  exited: Promise<AppExit>;
  /** SIGTERM to the app's process group, SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<StopOutcome>;
}

export interface AppOptions {
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Node flags before the entry point (the ingress asks for a bounded young generation). */
  nodeFlags?: readonly string[];
  /** Sees every stdout line, e.g. to read the URL a process prints when it listens. */
  onLine?: (line: string) => void;
}

/**
 * Runs a TypeScript entry point on this Node (24, type stripping) in its own process group, with
 * every output line prefixed by the app's name. Its own group keeps a terminal's Ctrl-C away from
 * it: the supervisor decides the shutdown order (intake first, then workers, then services).
 */
export function startApp(name: string, entry: string, options: AppOptions): AppProcess {
  const child = spawn(process.execPath, [...(options.nodeFlags ?? []), entry], {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const record = child.pid === undefined ? undefined : recordOf(child.pid);
  if (record === undefined) throw new Error(`${name}: could not start ${entry}`);
  const exited = new Promise<AppExit>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  prefixLines(child.stdout, process.stdout, name, options.onLine);
  prefixLines(child.stderr, process.stderr, name);
  return { name, record, exited, stop: (graceMs = 15_000) => stopProcessGroup(record.pid, graceMs) };
}

function prefixLines(input: NodeJS.ReadableStream, output: NodeJS.WritableStream, name: string, onLine?: (line: string) => void): void {
  const tag = `[${name}] `;
  createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY }).on("line", (line) => {
    output.write(`${tag}${line}\n`);
    onLine?.(line);
  });
}
