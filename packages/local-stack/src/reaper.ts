import path from "node:path";
import { withFileLock } from "./file-lock.ts";
import { spawnDetached } from "./process-group.ts";
import { isAlive, readRecordFile, writeRecordFile } from "./process-record.ts";
import type { StackPaths } from "./stack-paths.ts";

const REAPER_MAIN = path.join(import.meta.dirname, "reaper-main.ts");

/**
 * Makes sure a reaper watches this state folder: a small process that stops the services the
 * stack started as soon as no living process holds a lease on them. Without it, a user killed
 * outright (`kill -9` of `npm start`, a test run's OOM) leaves Elasticsearch and the emulator
 * running, ~1.5 GB, until the next `npm run stop`. The JVMs cannot watch their user themselves;
 * leases already say who uses the stack, so the reaper only reads them. One per state folder.
 */
export async function ensureReaper(paths: StackPaths): Promise<void> {
  const recordFile = path.join(paths.run, "reaper.json");
  await withFileLock(path.join(paths.run, "reaper.lock"), async () => {
    const running = readRecordFile(recordFile);
    if (running && isAlive(running)) return;
    const { record } = spawnDetached({
      command: process.execPath,
      args: [REAPER_MAIN],
      env: { PATH: process.env.PATH, LOCAL_STACK_DIR: paths.root },
      cwd: paths.run,
      logFile: path.join(paths.run, "reaper.log"),
    });
    writeRecordFile(recordFile, record);
  });
}
