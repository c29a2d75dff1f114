import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { acquireLease, liveLeaseCount } from "./leases.ts";

describe("leases", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "leases-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("counts living holders and forgets leases of dead processes", () => {
    const first = acquireLease(dir);
    const second = acquireLease(dir);
    // pid 1 exists but started at another time than this; pid 2^22+1 cannot exist.
    writeFileSync(path.join(dir, "1-0-1"), "");
    writeFileSync(path.join(dir, `${2 ** 22 + 1}-5-1`), "");
    expect(liveLeaseCount(dir)).toBe(2);
    expect(readdirSync(dir)).toHaveLength(2);
    first.release();
    expect(liveLeaseCount(dir)).toBe(1);
    second.release();
    second.release();
    expect(liveLeaseCount(dir)).toBe(0);
  });
});
