import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { isAlive, recordOf } from "./process-record.ts";

/**
 * A lease says "this process is using the stack". Services the stack started are stopped by
 * the last lease holder to leave, not by whoever started them: a test run that started
 * Elasticsearch must not pull it from under `npm start` or another run still using it, and a
 * run that crashed leaves a dead lease that the next run or `npm run stop` ignores.
 */
export interface Lease {
  release(): void;
}

let counter = 0;

export function acquireLease(leasesDir: string): Lease {
  const self = recordOf(process.pid);
  if (self === undefined) throw new Error("cannot read this process's own /proc entry");
  mkdirSync(leasesDir, { recursive: true });
  counter += 1;
  const file = path.join(leasesDir, `${self.pid}-${self.startTime}-${counter}`);
  writeFileSync(file, "");
  return { release: () => rmSync(file, { force: true }) };
}

/** Counts leases held by living processes, removing the ones left by dead processes. */
export function liveLeaseCount(leasesDir: string): number {
  let live = 0;
  let entries: string[];
  try {
    entries = readdirSync(leasesDir);
  } catch {
    return 0;
  }
  for (const name of entries) {
    const [pid, startTime] = name.split("-");
    if (pid !== undefined && startTime !== undefined && isAlive({ pid: Number(pid), startTime })) {
      live += 1;
    } else {
      rmSync(path.join(leasesDir, name), { force: true });
    }
  }
  return live;
}
