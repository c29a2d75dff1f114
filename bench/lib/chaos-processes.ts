/**
 * The chaos bench's app processes (the real ingress and workers, `startNodeProcess` as the tests
 * start them) under a small supervisor: a process the bench kills with SIGKILL is started again
 * after the restart delay, and one that dies by itself is too (as Cloud Run or Kubernetes would),
 * which the timeline records. Resident memory comes from /proc: VmRSS sampled every second and the
 * kernel's high-water mark (VmHWM), so a peak between samples is not missed.
 */
import { readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { startNodeProcess, type ChildService } from "../../apps/worker/test/support/worker-process.ts";

export interface AppRole {
  readonly name: string;
  /** Spawns the process and waits (bounded) until its readiness route answers 200, through crash restarts. */
  start(): Promise<void>;
  /** SIGKILL, wait for the exit; the process stays down until `start()`. */
  kill(): Promise<void>;
  /** SIGTERM (SIGKILL after the bound); no restart. */
  stop(): Promise<void>;
  pid(): number | undefined;
  /** Highest resident set of any incarnation, in MB. */
  rssPeakMb(): number;
  /** Reads /proc now. */
  sample(): void;
  /** Unplanned exits seen, e.g. a crash at startup. */
  readonly crashes: Array<{ at_s: number; exit: number | string }>;
  output(): string;
}

export interface AppRoleOptions {
  readonly name: string;
  readonly entry: string;
  readonly env: Record<string, string>;
  readonly nodeFlags?: readonly string[];
  readonly readyUrl: string;
  readonly readyTimeoutMs: number;
  readonly restartDelayMs: number;
  /** Seconds since the scenario's start, for the timeline. */
  readonly clock: () => number;
  readonly log: (line: string) => void;
}

export function appRole(options: AppRoleOptions): AppRole {
  let child: ChildService | undefined;
  let expectingExit = false;
  let stopped = false;
  let peakKb = 0;
  let output = "";
  const crashes: AppRole["crashes"] = [];

  function sample(): void {
    const pid = child?.process.pid;
    if (pid === undefined || child?.process.exitCode !== null || child?.process.signalCode !== null) return;
    try {
      const status = readFileSync(`/proc/${pid}/status`, "utf8");
      for (const field of ["VmRSS", "VmHWM"]) peakKb = Math.max(peakKb, Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? 0));
    } catch {
      // Gone between the check and the read.
    }
  }

  async function start(): Promise<void> {
    expectingExit = false;
    const current = startNodeProcess(options.entry, options.env, options.nodeFlags ?? []);
    child = current;
    void current.exited.then(async (exit) => {
      output = current.output();
      if (expectingExit || stopped || child !== current) return;
      crashes.push({ at_s: options.clock(), exit });
      options.log(`${options.name} exited by itself (${exit}); restarting in ${options.restartDelayMs} ms\n${output.slice(-2_000)}`);
      if (crashes.length > 20) return;
      await sleep(options.restartDelayMs);
      if (!stopped && child === current) await start().catch((error: Error) => options.log(`${options.name}: ${error.message}`));
    });
    const deadline = Date.now() + options.readyTimeoutMs;
    while (!(await fetch(options.readyUrl, { signal: AbortSignal.timeout(2_000) }).then((r) => r.ok, () => false))) {
      // Killed or stopped meanwhile: nothing to wait for. A crash is not the end: its restart is (same port).
      if (expectingExit || stopped) return;
      if (Date.now() > deadline) throw new Error(`${options.name} not ready within ${options.readyTimeoutMs} ms\n${current.output().slice(-3_000)}`);
      await sleep(250);
    }
  }

  return {
    name: options.name,
    start,
    async kill() {
      const current = child;
      if (!current) return;
      sample();
      expectingExit = true;
      current.kill("SIGKILL");
      await current.exited;
    },
    async stop() {
      stopped = true;
      const current = child;
      if (!current) return;
      sample();
      current.kill("SIGTERM");
      const timer = setTimeout(() => current.kill("SIGKILL"), 30_000);
      await current.exited;
      clearTimeout(timer);
    },
    pid: () => child?.process.pid,
    rssPeakMb: () => Math.round(peakKb / 1024),
    sample,
    crashes,
    output: () => child?.output() ?? output,
  };
}
