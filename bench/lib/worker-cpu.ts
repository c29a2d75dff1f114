/**
 * CPU time per process of the worker benchmark (/proc, clock ticks), so the result says where the
 * two cores went in each phase: Elasticsearch, the emulator, the worker, the bench itself.
 */
import { readdirSync, readFileSync } from "node:fs";
import { livingGroupMembers } from "@periskope-pipeline/local-stack";

/** Linux reports utime/stime in USER_HZ, 100 per second on every mainstream kernel. */
const TICKS_PER_SECOND = 100;

export type CpuTarget = { readonly pgid: number } | { readonly pid: number } | { readonly self: true };

/** CPU seconds used so far by each target (a process group, one process, or this process). */
export function cpuSeconds(targets: Readonly<Record<string, CpuTarget>>): Record<string, number> {
  const result: Record<string, number> = {};
  for (const [name, target] of Object.entries(targets)) {
    if ("self" in target) {
      const usage = process.cpuUsage();
      result[name] = (usage.user + usage.system) / 1e6;
    } else {
      const pids = "pgid" in target ? livingGroupMembers(target.pgid) : [target.pid];
      result[name] = pids.reduce((sum, pid) => sum + processTicks(pid), 0) / TICKS_PER_SECOND;
    }
  }
  return result;
}

/** CPU seconds spent by each target between two readings, per 1,000 documents. */
export function cpuPerThousand(before: Record<string, number>, after: Record<string, number>, docs: number): Record<string, number> {
  const result: Record<string, number> = {};
  for (const name of Object.keys(after)) result[name] = Math.round((((after[name] ?? 0) - (before[name] ?? 0)) / docs) * 1000 * 1000) / 1000;
  return result;
}

/**
 * CPU seconds used so far by the JIT compiler threads of the JVMs in each process group (HotSpot
 * names them `C1 CompilerThre…`/`C2 CompilerThre…`): a freshly started Elasticsearch or emulator
 * keeps compiling for minutes, and that CPU is start-up, not the cost of the work measured.
 */
export function jitSeconds(targets: Readonly<Record<string, CpuTarget>>): Record<string, number> {
  const result: Record<string, number> = {};
  for (const [name, target] of Object.entries(targets)) {
    if (!("pgid" in target)) continue;
    let ticks = 0;
    for (const pid of livingGroupMembers(target.pgid)) {
      for (const task of safeList(`/proc/${pid}/task`)) {
        if (!readOr(`/proc/${pid}/task/${task}/comm`).includes("CompilerThre")) continue;
        ticks += statTicks(readOr(`/proc/${pid}/task/${task}/stat`));
      }
    }
    result[name] = ticks / TICKS_PER_SECOND;
  }
  return result;
}

function processTicks(pid: number): number {
  return statTicks(readOr(`/proc/${pid}/stat`));
}

function statTicks(line: string): number {
  if (line === "") return 0;
  const fields = line.slice(line.lastIndexOf(")") + 2).split(" ");
  // Fields 14 (utime) and 15 (stime), counted from field 3 at index 0.
  return Number(fields[11]) + Number(fields[12]);
}

function readOr(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
