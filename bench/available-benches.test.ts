import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, it } from "vitest";
import { availableBenches } from "./available-benches.ts";

it("lists bench scripts by name, without the dispatcher, helpers or tests", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "bench-"));
  try {
    for (const file of ["run.ts", "available-benches.ts", "ingress.ts", "worker-throughput.ts", "ingress.test.ts", "README.md"]) {
      writeFileSync(path.join(dir, file), "");
    }
    expect(availableBenches(dir)).toEqual(["ingress", "worker-throughput"]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
