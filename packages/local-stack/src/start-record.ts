import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { stopProcessGroup, type StopOutcome } from "./process-group.ts";
import { isAlive, recordOf, writeRecordFile, type ProcessRecord } from "./process-record.ts";
import { stackDir, stackPaths } from "./stack-paths.ts";

/**
 * What a running `npm start` leaves in the state folder: for `npm run stop`, for a second
 * `npm start`, and for the ops CLI in another shell. Each app it started is recorded with its pid
 * and start time, so a later cleanup signals exactly those processes and never a stranger that
 * reused a pid.
 */
export interface StartRecord extends ProcessRecord {
  ingressUrl?: string;
  /** The running stack's non-secret settings (service addresses, project, topic and index names). */
  settings?: Record<string, string>;
  children: Array<ProcessRecord & { name: string }>;
}

export interface LeftApp {
  name: string;
  pid: number;
  outcome: StopOutcome;
}

export function startRecordFile(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(stackPaths(stackDir(env)).run, "start.json");
}

export function readStartRecord(file = startRecordFile()): StartRecord | undefined {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as StartRecord;
  } catch {
    return undefined;
  }
}

/** The settings of the `npm start` running from this state folder, if one is running. */
export function runningStackSettings(env: NodeJS.ProcessEnv = process.env): { pid: number; settings: Record<string, string> } | undefined {
  const record = readStartRecord(startRecordFile(env));
  if (!record?.settings || !isAlive(record)) return undefined;
  return { pid: record.pid, settings: record.settings };
}

/**
 * Claims the single `npm start` slot for this process. Returns the running one instead when a
 * living `npm start` holds it. A record left by a dead one is taken over, after stopping the apps
 * that start left running. Creating the file with `wx` makes two simultaneous starts race safely:
 * exactly one wins.
 */
export async function claimStartRecord(
  file = startRecordFile(),
): Promise<{ claimed: true; record: StartRecord; cleared: LeftApp[] } | { claimed: false; running: StartRecord }> {
  const self = recordOf(process.pid);
  if (self === undefined) throw new Error("cannot read this process's own /proc entry");
  mkdirSync(path.dirname(file), { recursive: true });
  const cleared: LeftApp[] = [];
  for (let attempt = 0; attempt < 20; attempt += 1) {
    try {
      const record: StartRecord = { ...self, children: [] };
      writeFileSync(file, JSON.stringify(record), { flag: "wx" });
      return { claimed: true, record, cleared };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const running = readStartRecord(file);
    if (running && isAlive(running)) return { claimed: false, running };
    // Unreadable may mean "being written by a start that just won": look again before taking over.
    if (running === undefined && attempt === 0) {
      await sleep(200);
      continue;
    }
    if (running) cleared.push(...(await stopLeftApps(running)));
    rmSync(file, { force: true });
  }
  throw new Error(`could not claim ${file}`);
}

/** Stops the apps of a dead `npm start` that are still running (same pid and start time). */
export async function stopLeftApps(record: StartRecord): Promise<LeftApp[]> {
  const stopped: LeftApp[] = [];
  for (const child of record.children ?? []) {
    if (!isAlive(child)) continue;
    stopped.push({ name: child.name, pid: child.pid, outcome: await stopProcessGroup(child.pid, 15_000) });
  }
  return stopped;
}

export function updateStartRecord(record: StartRecord, file = startRecordFile()): void {
  writeRecordFile(file, record);
}

export function removeStartRecord(file = startRecordFile()): void {
  rmSync(file, { force: true });
}
