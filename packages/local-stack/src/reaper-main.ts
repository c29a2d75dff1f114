/**
 * The reaper process (see reaper.ts). Once a second it counts the living leases on the stack in
 * LOCAL_STACK_DIR; when there are none, it stops the services the stack started (each under its
 * lock, re-counting there, so a user arriving meanwhile keeps them). It leaves only when, under
 * the reaper lock, still nobody holds a lease: a user arriving after that finds no reaper
 * record and starts a new one when it starts a service.
 */
import { rmSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { withFileLock } from "./file-lock.ts";
import { liveLeaseCount } from "./leases.ts";
import { logStack } from "./log.ts";
import { stopStackIfUnused } from "./stack.ts";
import { stackPaths } from "./stack-paths.ts";

const POLL_MS = 1_000;
const paths = stackPaths();

for (;;) {
  await sleep(POLL_MS);
  if (liveLeaseCount(paths.leases) > 0) continue;
  const stopped = await stopStackIfUnused();
  if (stopped.length > 0) logStack(`reaper: no user left; stopped ${stopped.join(", ")}`);
  const done = await withFileLock(path.join(paths.run, "reaper.lock"), async () => {
    if (liveLeaseCount(paths.leases) > 0) return false;
    rmSync(path.join(paths.run, "reaper.json"), { force: true });
    return true;
  });
  if (done) break;
}
