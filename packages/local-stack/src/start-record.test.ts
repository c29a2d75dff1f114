import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { spawnDetached, stopProcessGroup, type DetachedProcess } from "./process-group.ts";
import { isAlive, recordOf } from "./process-record.ts";
import { claimStartRecord, readStartRecord, runningStackSettings, type StartRecord } from "./start-record.ts";
import { waitUntil } from "./wait-until.ts";

describe("the npm start record", () => {
  let dir: string;
  let file: string;
  const started: DetachedProcess[] = [];

  function sleeper(): DetachedProcess {
    const process = spawnDetached({ command: "sleep", args: ["300"], env: {}, cwd: dir, logFile: path.join(dir, "sleep.log") });
    started.push(process);
    return process;
  }

  /** A record as a start killed outright leaves it: its own pid dead, an app still running. */
  async function recordOfDeadStart(app: DetachedProcess): Promise<StartRecord> {
    const start = sleeper();
    process.kill(start.record.pid, "SIGKILL");
    await waitUntil("the start dead", async () => !isAlive(start.record), { timeoutMs: 5_000 });
    return { ...start.record, settings: { PUBSUB_PROJECT_ID: "p" }, children: [{ name: "worker", ...app.record }] };
  }

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "start-record-"));
    file = path.join(dir, "run", "start.json");
    mkdirSync(path.dirname(file), { recursive: true });
  });
  afterEach(async () => {
    for (const { record } of started.splice(0)) await stopProcessGroup(record.pid, 1_000);
    rmSync(dir, { recursive: true, force: true });
  });

  it("after a crash, a new start stops the apps the dead one left, then takes the slot", async () => {
    const app = sleeper();
    const stranger = sleeper();
    const dead = await recordOfDeadStart(app);
    // A recorded pid now used by another process (its start time differs) is never signalled.
    dead.children.push({ name: "simulator", pid: stranger.record.pid, startTime: "1" });
    writeFileSync(file, JSON.stringify(dead));

    const claim = await claimStartRecord(file);

    expect(claim.claimed).toBe(true);
    expect(claim.claimed && claim.cleared).toEqual([{ name: "worker", pid: app.record.pid, outcome: "stopped" }]);
    expect(isAlive(app.record)).toBe(false);
    expect(isAlive(stranger.record)).toBe(true);
    expect(readStartRecord(file)?.pid).toBe(process.pid);
  });

  it("gives its settings to other shells only while that start lives", async () => {
    const dead = await recordOfDeadStart(sleeper());
    writeFileSync(file, JSON.stringify(dead));
    expect(runningStackSettings({ LOCAL_STACK_DIR: dir })).toBeUndefined();

    writeFileSync(file, JSON.stringify({ ...dead, ...recordOf(process.pid) }));
    expect(runningStackSettings({ LOCAL_STACK_DIR: dir })).toEqual({ pid: process.pid, settings: { PUBSUB_PROJECT_ID: "p" } });
  });
});
