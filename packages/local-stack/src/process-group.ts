import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, mkdirSync, openSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { livingGroupMembers } from "./proc-stat.ts";
import { recordOf, type ProcessRecord } from "./process-record.ts";

export interface DetachedSpawn {
  command: string;
  args: readonly string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** stdout and stderr go here, fresh per start: a service's console output is its first diagnostic. */
  logFile: string;
}

export interface DetachedProcess {
  child: ChildProcess;
  record: ProcessRecord;
}

/**
 * Starts a service in its own session and process group, so a terminal's Ctrl-C reaches only
 * the supervisor, which then stops services in order, and the whole tree (launcher scripts,
 * forked JVMs) can be signalled at once. The child is unref'd: the caller's event loop does not
 * wait for it, and its lifetime is managed through the returned record.
 */
export function spawnDetached(options: DetachedSpawn): DetachedProcess {
  mkdirSync(path.dirname(options.logFile), { recursive: true });
  const log = openSync(options.logFile, "w");
  try {
    const child = spawn(options.command, options.args, {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ["ignore", log, log],
    });
    // A spawn failure (missing executable) surfaces as an 'error' event after this returns; the
    // missing pid below already reports it, and an unhandled 'error' would crash the caller.
    child.once("error", () => {});
    child.unref();
    const record = child.pid === undefined ? undefined : recordOf(child.pid);
    if (record === undefined) throw new Error(`could not start ${options.command}`);
    return { child, record };
  } finally {
    closeSync(log);
  }
}

export type StopOutcome = "not-running" | "stopped" | "killed";

/**
 * Stops a whole process group: SIGTERM, wait up to `graceMs` for every member to exit, then
 * SIGKILL and wait again. Resolves only when no living member remains.
 */
export async function stopProcessGroup(pgid: number, graceMs = 30_000): Promise<StopOutcome> {
  if (livingGroupMembers(pgid).length === 0) return "not-running";
  signalGroup(pgid, "SIGTERM");
  if (await waitForEmptyGroup(pgid, graceMs)) return "stopped";
  signalGroup(pgid, "SIGKILL");
  if (await waitForEmptyGroup(pgid, 10_000)) return "killed";
  throw new Error(`process group ${pgid} survived SIGKILL`);
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
  }
}

async function waitForEmptyGroup(pgid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (livingGroupMembers(pgid).length === 0) return true;
    await sleep(100);
  }
  return livingGroupMembers(pgid).length === 0;
}
