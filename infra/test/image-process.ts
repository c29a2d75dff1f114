/**
 * Runs an assembled image's CMD the way the container would: from its WORKDIR, with only the
 * image's ENV plus the given settings, on the repository's pinned Node 24 (production installs
 * omit the `node` devDependency, and the machine's own node is older).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import type { ImagePlan } from "./dockerfile-plan.ts";
import { repoPath } from "./repo.ts";

export const PINNED_NODE = repoPath("node_modules/.bin/node");

export interface ImageProcess {
  readonly child: ChildProcess;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  /** Resolves with the first output line matching `pattern`. */
  waitForLine(pattern: RegExp, timeoutMs: number): Promise<string>;
  /** The exit code once it exits by itself (null if killed by a signal); rejects after `timeoutMs`. */
  waitForExit(timeoutMs: number): Promise<number | null>;
  /** SIGTERM, then the exit code (SIGKILL after `graceMs`, reported as null). */
  stop(graceMs?: number): Promise<number | null>;
}

/** Starts the image's CMD, or `command` instead of it (as compose's `command:` does). */
export function startImage(plan: ImagePlan, root: string, settings: Record<string, string>, command: readonly string[] | undefined = plan.cmd): ImageProcess {
  const [program, ...args] = command ?? [];
  if (program !== "node") throw new Error(`expected a ["node", ...] command, got ${JSON.stringify(command)}`);
  const child = spawn(PINNED_NODE, args, {
    cwd: root,
    env: { PATH: process.env.PATH, ...plan.env, ...settings },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let text = "";
  const waiters = new Set<() => void>();
  const onData = (b: Buffer) => {
    text += b.toString();
    for (const w of waiters) w();
  };
  child.stdout?.on("data", onData);
  child.stderr?.on("data", onData);
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));

  return {
    child,
    output: () => text,
    waitForLine(pattern, timeoutMs) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const line = text.split("\n").find((l) => pattern.test(l));
          if (line !== undefined) {
            cleanup();
            resolve(line);
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms; output:\n${text.slice(-3000)}`));
        }, timeoutMs);
        const onExit = () => {
          cleanup();
          reject(new Error(`process exited before printing ${pattern}; output:\n${text.slice(-3000)}`));
        };
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
          child.off("exit", onExit);
        };
        waiters.add(check);
        child.on("exit", onExit);
        check();
      });
    },
    waitForExit(timeoutMs) {
      if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`still running after ${timeoutMs} ms; output:\n${text.slice(-3000)}`)), timeoutMs);
        void exited.then((code) => {
          clearTimeout(timer);
          resolve(code);
        });
      });
    },
    async stop(graceMs = 30_000) {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** A port nothing listens on right now (loopback). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}
