import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { livingGroupMembers } from "./proc-stat.ts";
import { spawnDetached, stopProcessGroup } from "./process-group.ts";
import { isAlive } from "./process-record.ts";
import { waitUntil } from "./wait-until.ts";

describe("spawnDetached + stopProcessGroup", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "pg-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function shell(script: string) {
    return spawnDetached({ command: "sh", args: ["-c", script], env: { PATH: process.env.PATH }, cwd: dir, logFile: path.join(dir, "out.log") });
  }

  it("stops a whole tree, grandchildren included, and logs its output", async () => {
    const { record } = shell("echo started; sleep 30 & sleep 30 & wait");
    await waitUntil("tree up", async () => livingGroupMembers(record.pid).length === 3, { timeoutMs: 5_000, intervalMs: 20 });
    expect(readFileSync(path.join(dir, "out.log"), "utf8")).toBe("started\n");
    expect(await stopProcessGroup(record.pid, 5_000)).toBe("stopped");
    expect(livingGroupMembers(record.pid)).toEqual([]);
    expect(isAlive(record)).toBe(false);
  });

  it("kills a group that ignores SIGTERM once the grace period is over", async () => {
    const { record } = shell("trap '' TERM; while :; do sleep 0.05; done");
    await waitUntil("loop up", async () => livingGroupMembers(record.pid).length >= 1, { timeoutMs: 5_000, intervalMs: 20 });
    // Give sh time to install the trap before signalling.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await stopProcessGroup(record.pid, 300)).toBe("killed");
    expect(livingGroupMembers(record.pid)).toEqual([]);
  });

  it("reports a group that is already gone", async () => {
    const { record } = shell("exit 0");
    await waitUntil("exit", async () => livingGroupMembers(record.pid).length === 0, { timeoutMs: 5_000, intervalMs: 20 });
    expect(await stopProcessGroup(record.pid)).toBe("not-running");
  });
});
