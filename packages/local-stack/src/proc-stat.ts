import { readFileSync, readdirSync } from "node:fs";

/** The fields of /proc/<pid>/stat this package needs (see proc(5)). */
export interface ProcStat {
  pid: number;
  state: string;
  pgrp: number;
  /** Clock ticks since boot: with the pid it identifies a process even after pid reuse. */
  startTime: string;
}

/**
 * Parses one /proc/<pid>/stat line. The command name (field 2) may contain spaces and
 * parentheses, so the fixed fields are counted from the last ')'.
 */
export function parseProcStat(line: string): ProcStat | undefined {
  const close = line.lastIndexOf(")");
  if (close < 0) return undefined;
  const pid = Number.parseInt(line.slice(0, line.indexOf(" ")), 10);
  const rest = line.slice(close + 2).split(" ");
  // rest[0] is field 3 (state); field n is rest[n - 3].
  const state = rest[0];
  const pgrp = Number.parseInt(rest[2] ?? "", 10);
  const startTime = rest[19];
  if (!Number.isInteger(pid) || state === undefined || !Number.isInteger(pgrp) || startTime === undefined) {
    return undefined;
  }
  return { pid, state, pgrp, startTime };
}

export function readProcStat(pid: number): ProcStat | undefined {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return undefined;
  }
}

/**
 * Living (non-zombie) members of a process group. Read from /proc rather than `kill(-pgid, 0)`:
 * in containers PID 1 may never reap orphans, and a zombie would make a stopped group look alive.
 */
export function livingGroupMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readProcStat(Number(entry));
    if (stat && stat.pgrp === pgid && stat.state !== "Z") members.push(stat.pid);
  }
  return members;
}

/**
 * Whether every thread of every living member of a process group is stopped (SIGSTOP). `kill`
 * returns before that is true: a multi-threaded process stops thread by thread as each one is
 * next scheduled, and on a busy machine its other threads may answer requests meanwhile.
 */
export function groupIsStopped(pgid: number): boolean {
  const members = livingGroupMembers(pgid);
  if (members.length === 0) return false;
  for (const pid of members) {
    let threads: string[];
    try {
      threads = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue; // exited meanwhile
    }
    for (const tid of threads) {
      const state = readThreadState(pid, tid);
      if (state !== undefined && state !== "T" && state !== "t" && state !== "Z" && state !== "X") return false;
    }
  }
  return true;
}

function readThreadState(pid: number, tid: string): string | undefined {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8"))?.state;
  } catch {
    return undefined;
  }
}
