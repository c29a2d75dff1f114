/**
 * Runs `apps/ingress/src/main.ts` as a child process, as deployed: real signals, real sockets,
 * real Pub/Sub client. The child is Node 24 (`process.execPath` of the test runner, the same
 * binary `npx node` resolves to) started directly, so signals reach it rather than a wrapper.
 *
 * @example
 * const ingress = await startIngressProcess({ PUBSUB_EMULATOR_HOST: host, PUBSUB_PROJECT_ID: project });
 * await fetch(`${ingress.url}/readyz`);
 * await ingress.stop();
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { INGRESS_NODE_FLAGS } from "../../src/server/node-flags.ts";

const MAIN = fileURLToPath(new URL("../../src/main.ts", import.meta.url));

export interface IngressProcess {
  readonly url: string;
  readonly pid: number;
  readonly child: ChildProcess;
  /** Structured log lines so far. */
  logs(): Record<string, unknown>[];
  /** Resident set size now, in bytes. */
  rss(): number;
  signal(signal: NodeJS.Signals): void;
  exited(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM and wait for exit. */
  stop(): Promise<void>;
}

/** Every child still running; killed when the test process exits, whatever happened in the tests. */
const running = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

export async function startIngressProcess(env: Record<string, string>): Promise<IngressProcess> {
  const child = spawn(process.execPath, [...INGRESS_NODE_FLAGS, MAIN], {
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "/tmp",
      METADATA_SERVER_DETECTION: "none",
      HOST: "127.0.0.1",
      PORT: "0",
      ...env,
      // The helper learns the address from the ServerListening line (info).
      LOG_LEVEL: "info",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: Record<string, unknown>[] = [];
  let stderr = "";
  let buffered = "";
  running.add(child);
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    }),
  );

  const listening = new Promise<string>((resolve, reject) => {
    child.stdout?.setEncoding("utf8");
    child.stdout?.on("data", (chunk: string) => {
      buffered += chunk;
      let newline: number;
      while ((newline = buffered.indexOf("\n")) >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        try {
          const entry = JSON.parse(line) as Record<string, unknown>;
          lines.push(entry);
          if (entry.event === "ServerListening") resolve(String(entry.url));
        } catch {
          // not a log line
        }
      }
    });
    child.stderr?.setEncoding("utf8");
    child.stderr?.on("data", (chunk: string) => (stderr += chunk));
    void exit.then(({ code }) => reject(new Error(`ingress exited (${code}) before listening: ${stderr}`)));
    setTimeout(() => reject(new Error(`ingress did not listen within 30 s: ${stderr}`)), 30_000).unref();
  });
  const url = await listening.catch(async (error: unknown) => {
    child.kill("SIGKILL");
    await exit;
    throw error;
  });

  const pid = child.pid as number;
  return {
    url,
    pid,
    child,
    logs: () => lines,
    rss: () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) * 1024,
    signal: (signal) => child.kill(signal),
    exited: () => exit,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exit;
    },
  };
}
