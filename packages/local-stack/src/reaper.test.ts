import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { spawnDetached, stopProcessGroup, type DetachedProcess } from "./process-group.ts";
import { isAlive, readRecordFile, writeRecordFile } from "./process-record.ts";
import { ensureReaper } from "./reaper.ts";
import { stackPaths, type StackPaths } from "./stack-paths.ts";
import { waitUntil } from "./wait-until.ts";

// A stand-in for Elasticsearch (the reaper reads only the service's record) and a stand-in for
// `npm start` holding a lease; no JVM is needed to see who stops what.
describe("the reaper", () => {
  let paths: StackPaths;
  const started: DetachedProcess[] = [];

  function sleeper(name: string): DetachedProcess {
    const process = spawnDetached({ command: "sleep", args: ["300"], env: {}, cwd: paths.root, logFile: path.join(paths.run, `${name}.log`) });
    started.push(process);
    return process;
  }

  beforeEach(() => {
    paths = stackPaths(mkdtempSync(path.join(tmpdir(), "reaper-")));
    mkdirSync(paths.leases, { recursive: true });
  });
  afterEach(async () => {
    for (const { record } of started.splice(0)) await stopProcessGroup(record.pid, 1_000);
    const reaper = readRecordFile(path.join(paths.run, "reaper.json"));
    if (reaper) await stopProcessGroup(reaper.pid, 1_000);
    rmSync(paths.root, { recursive: true, force: true });
  });

  it("stops the services the stack started once their last user dies, then leaves", async () => {
    const service = sleeper("elasticsearch");
    writeRecordFile(path.join(paths.run, "elasticsearch.json"), service.record);
    const user = sleeper("user");
    writeFileSync(path.join(paths.leases, `${user.record.pid}-${user.record.startTime}-1`), "");

    await ensureReaper(paths);
    await ensureReaper(paths);
    const reaper = readRecordFile(path.join(paths.run, "reaper.json"));
    expect(reaper && isAlive(reaper)).toBe(true);

    // While its user lives, the service stays (a few reaper rounds).
    await sleep(2_500);
    expect(isAlive(service.record)).toBe(true);

    process.kill(user.record.pid, "SIGKILL");
    await waitUntil("the service stopped", async () => !isAlive(service.record), { timeoutMs: 10_000 });
    await waitUntil("the reaper gone", async () => !isAlive(reaper!), { timeoutMs: 5_000 });
  }, 30_000);
});
