/**
 * `npm run stop`: stops a running `npm start` (it shuts its apps and services down in order),
 * then clears anything a crashed run left behind: apps whose supervisor died, and services the
 * stack started that no living process uses any more. Never touches services it did not start.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { isAlive, stopProcessGroup, stopStackIfUnused } from "@periskope-pipeline/local-stack";
import { readStartRecord, removeStartRecord } from "./start-record.ts";

/** A first `npm start` may still be downloading Elasticsearch; give it time to finish cleanly. */
const SUPERVISOR_GRACE_MS = 120_000;

const say = (line: string) => process.stdout.write(`[stop] ${line}\n`);

const running = readStartRecord();
let didSomething = false;

if (running && isAlive(running)) {
  say(`stopping npm start (pid ${running.pid})`);
  process.kill(running.pid, "SIGTERM");
  const deadline = Date.now() + SUPERVISOR_GRACE_MS;
  while (isAlive(running) && Date.now() < deadline) await sleep(200);
  if (isAlive(running)) {
    say(`npm start (pid ${running.pid}) did not stop in ${SUPERVISOR_GRACE_MS / 1000}s; killing it`);
    process.kill(running.pid, "SIGKILL");
  }
  didSomething = true;
}

// A supervisor that was killed outright leaves its apps running: stop them here.
for (const child of (readStartRecord() ?? running)?.children ?? []) {
  if (!isAlive(child)) continue;
  say(`${child.name}: ${await stopProcessGroup(child.pid)} (pid ${child.pid}, left by a dead npm start)`);
  didSomething = true;
}
if (running && !isAlive(running)) removeStartRecord();

const services = await stopStackIfUnused();
if (services.length > 0) {
  say(`stopped ${services.join(", ")}`);
  didSomething = true;
}
say(didSomething ? "done" : "nothing was running");
