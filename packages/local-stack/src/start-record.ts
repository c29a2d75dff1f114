import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { isAlive, recordOf, stackDir, writeRecordFile, type ProcessRecord } from "@periskope-pipeline/local-stack";

/** What a running `npm start` leaves for `npm run stop` and for a second `npm start`. */
export interface StartRecord extends ProcessRecord {
  ingressUrl?: string;
  children: Array<ProcessRecord & { name: string }>;
}

export const START_RECORD_FILE = path.join(stackDir(), "run", "start.json");

export function readStartRecord(file = START_RECORD_FILE): StartRecord | undefined {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as StartRecord;
  } catch {
    return undefined;
  }
}

/**
 * Claims the single `npm start` slot for this process. Returns the running one instead when a
 * living `npm start` holds it; a record left by a dead one is taken over. Creating the file with
 * `wx` makes two simultaneous starts race safely: exactly one wins.
 */
export async function claimStartRecord(file = START_RECORD_FILE): Promise<{ claimed: true; record: StartRecord } | { claimed: false; running: StartRecord }> {
  const self = recordOf(process.pid);
  if (self === undefined) throw new Error("cannot read this process's own /proc entry");
  mkdirSync(path.dirname(file), { recursive: true });
  for (let attempt = 0; attempt < 20; attempt += 1) {
    try {
      const record: StartRecord = { ...self, children: [] };
      writeFileSync(file, JSON.stringify(record), { flag: "wx" });
      return { claimed: true, record };
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
    rmSync(file, { force: true });
  }
  throw new Error(`could not claim ${file}`);
}

export function updateStartRecord(record: StartRecord, file = START_RECORD_FILE): void {
  writeRecordFile(file, record);
}

export function removeStartRecord(file = START_RECORD_FILE): void {
  rmSync(file, { force: true });
}
