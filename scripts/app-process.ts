import { spawn } from "node:child_process";
import path from "node:path";
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
  /** Rewrites each output line for display (e.g. pretty-printed logs on a terminal). */
  format?: (line: string) => string;
}

const EXIT_WITH_PARENT = path.join(import.meta.dirname, "exit-with-parent.ts");

/**
 * Runs a TypeScript entry point on this Node (24, type stripping) in its own process group, with
 * every output line prefixed by the app's name. Its own group keeps a terminal's Ctrl-C away from
 * it: the supervisor decides the shutdown order (intake first, then workers, then services).
 * The fourth stdio pipe is the app's lifeline to this process (see exit-with-parent.ts): if the
 * supervisor dies without stopping it, the app stops itself.
 */
export function startApp(name: string, entry: string, options: AppOptions): AppProcess {
  const child = spawn(process.execPath, ["--import", EXIT_WITH_PARENT, ...(options.nodeFlags ?? []), entry], {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe", "pipe"],
  });
  const record = child.pid === undefined ? undefined : recordOf(child.pid);
  if (record === undefined) throw new Error(`${name}: could not start ${entry}`);
  const exited = new Promise<AppExit>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  const format = options.format ?? ((line: string) => line);
  // Both are "pipe" above, so never null.
  prefixLines(child.stdout!, process.stdout, name, format, options.onLine);
  prefixLines(child.stderr!, process.stderr, name, format);
  return { name, record, exited, stop: (graceMs = 15_000) => stopProcessGroup(record.pid, graceMs) };
}

function prefixLines(
  input: NodeJS.ReadableStream,
  output: NodeJS.WritableStream,
  name: string,
  format: (line: string) => string,
  onLine?: (line: string) => void,
): void {
  const tag = `[${name}] `;
  createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY }).on("line", (line) => {
    output.write(`${tag}${format(line)}\n`);
    onLine?.(line);
  });
}
