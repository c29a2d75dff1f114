/**
 * `npm run stop`: stops a running `npm start` (it shuts its apps and services down in order),
 * then clears anything a start that died left behind: its apps (recorded with pid and start time,
 * so a process that merely reused a pid is never signalled), and services the stack started that
 * no living process uses any more. Never touches services it did not start.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { isAlive, readStartRecord, removeStartRecord, stopLeftApps, stopStackIfUnused } from "@periskope-pipeline/local-stack";

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

// A start that died without stopping its apps (killed outright, or still stopping when killed).
const left = readStartRecord() ?? running;
if (left && !isAlive(left)) {
  for (const app of await stopLeftApps(left)) {
    say(`${app.name}: ${app.outcome} (pid ${app.pid}, left by an npm start that died)`);
    didSomething = true;
  }
  removeStartRecord();
}

const services = await stopStackIfUnused();
if (services.length > 0) {
  say(`stopped ${services.join(", ")}`);
  didSomething = true;
}
say(didSomething ? "done" : "nothing was running");
