import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { withFileLock } from "./file-lock.ts";
import { recordOf } from "./process-record.ts";

describe("withFileLock", () => {
  let dir: string;
  let lock: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "lock-"));
    lock = path.join(dir, "x.lock");
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("runs holders one at a time", async () => {
    const events: string[] = [];
    const hold = (name: string) =>
      withFileLock(lock, async () => {
        events.push(`${name}+`);
        await sleep(50);
        events.push(`${name}-`);
      });
    await Promise.all([hold("a"), hold("b")]);
    expect(events).toEqual(["a+", "a-", "b+", "b-"]);
  });

  it("takes over a lock left by a dead process", async () => {
    writeFileSync(lock, JSON.stringify({ pid: 2 ** 22 + 1, startTime: "1" }));
    await expect(withFileLock(lock, async () => "ran", 2_000)).resolves.toBe("ran");
  });

  it("times out while a living process holds it", async () => {
    writeFileSync(lock, JSON.stringify(recordOf(1)));
    await expect(withFileLock(lock, async () => "ran", 300)).rejects.toThrow(/timed out/);
  });
});

