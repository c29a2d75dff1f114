import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { isAlive, readRecordFile, recordOf } from "./process-record.ts";

/**
 * Runs `fn` while holding an exclusive lock file. Several test runs (and `npm start`) share one
 * Elasticsearch; the lock makes "is it running? then start it" atomic between them. A lock
 * whose holder died is taken over, so a killed run never blocks the next one.
 */
export async function withFileLock<T>(file: string, fn: () => Promise<T>, timeoutMs = 600_000): Promise<T> {
  await acquire(file, timeoutMs);
  try {
    return await fn();
  } finally {
    rmSync(file, { force: true });
  }
}

async function acquire(file: string, timeoutMs: number): Promise<void> {
  mkdirSync(path.dirname(file), { recursive: true });
  const self = recordOf(process.pid);
  if (self === undefined) throw new Error("cannot read this process's own /proc entry");
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      writeFileSync(file, JSON.stringify(self), { flag: "wx" });
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const holder = readRecordFile(file);
    // An unreadable lock may be one being written right now; only a dead holder is stale.
    if (holder !== undefined && !isAlive(holder)) {
      rmSync(file, { force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for lock ${file} (held by pid ${holder?.pid})`);
    await sleep(200);
  }
}
