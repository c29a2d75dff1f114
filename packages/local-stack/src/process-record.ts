import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { readProcStat } from "./proc-stat.ts";

/**
 * A process this package started, identified by pid plus kernel start time so that a reused
 * pid is never mistaken for it. Started processes lead their own process group (pgid = pid).
 */
export interface ProcessRecord {
  pid: number;
  startTime: string;
}

export function recordOf(pid: number): ProcessRecord | undefined {
  const stat = readProcStat(pid);
  return stat ? { pid, startTime: stat.startTime } : undefined;
}

export function isAlive(record: ProcessRecord): boolean {
  const stat = readProcStat(record.pid);
  return stat !== undefined && stat.startTime === record.startTime && stat.state !== "Z";
}

/** Reads a JSON record file; a missing or unreadable file reads as "nothing recorded". */
export function readRecordFile<T extends ProcessRecord>(file: string): T | undefined {
  try {
    const value: unknown = JSON.parse(readFileSync(file, "utf8"));
    if (typeof value === "object" && value !== null && "pid" in value && "startTime" in value) return value as T;
    return undefined;
  } catch {
    return undefined;
  }
}

/** Writes atomically (temp file + rename) so a reader never sees half a record. */
export function writeRecordFile<T extends ProcessRecord>(file: string, record: T): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(record, null, 2)}\n`);
  renameSync(temp, file);
}

export function removeRecordFile(file: string): void {
  rmSync(file, { force: true });
}
