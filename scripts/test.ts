/**
 * `npm test [-- vitest args]`: runs every vitest project (unit, then int against the real
 * services) and closes with exactly one plain line, `N passed, N failed[, N skipped]`, counted
 * from vitest's JSON report; exits non-zero when anything failed or vitest itself failed
 * (no tests found, a setup error). Nothing it or the tests started outlives it, even on Ctrl-C.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { stopProcessGroup, stopStackIfUnused } from "@periskope-pipeline/local-stack";
import { countResults, summaryLine, type JsonReport } from "./test-summary.ts";

const vitestBin = path.join(path.dirname(createRequire(import.meta.url).resolve("vitest/package.json")), "vitest.mjs");
const reportDir = mkdtempSync(path.join(tmpdir(), "periskope-test-"));
const reportFile = path.join(reportDir, "vitest.json");

// vitest runs in its own process group: a terminal's Ctrl-C reaches only this script, which
// passes it on, waits for vitest's own teardown, then clears whatever is left in that group
// (servers a test spawned and did not stop) before releasing the shared services.
const vitest = spawn(
  process.execPath,
  [vitestBin, "run", "--reporter=default", "--reporter=json", `--outputFile.json=${reportFile}`, ...process.argv.slice(2)],
  { stdio: ["ignore", "inherit", "inherit"], detached: true },
);

let firstInterruptAt: number | undefined;
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(signal, () => {
    // One Ctrl-C arrives twice (from the terminal and forwarded by npm): only a second press,
    // a moment later, means "now", with no more waiting for vitest's teardown.
    const now = Date.now();
    if (firstInterruptAt === undefined) {
      firstInterruptAt = now;
      signalGroup(vitest.pid, signal);
    } else if (now - firstInterruptAt > 1_000) {
      signalGroup(vitest.pid, "SIGKILL");
    }
  });
}

const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
  vitest.once("exit", (code, signal) => resolve({ code, signal }));
});

if (vitest.pid !== undefined) await stopProcessGroup(vitest.pid, 10_000);
const stopped = await stopStackIfUnused();
if (stopped.length > 0) process.stderr.write(`[test] stopped services left behind: ${stopped.join(", ")}\n`);

const report = readReport();
rmSync(reportDir, { recursive: true, force: true });
const counts = report ? countResults(report) : { passed: 0, failed: 0, skipped: 0, brokenFiles: [] };
for (const file of counts.brokenFiles) process.stdout.write(`[test] failed to run (counted as 1 failure): ${file}\n`);
if (!report) process.stdout.write(`[test] vitest produced no report (exit ${exit.signal ?? exit.code})\n`);

const ok = exit.code === 0 && report?.success === true && counts.failed === 0;
process.stdout.write(`${summaryLine(counts)}\n`);
process.exitCode = ok ? 0 : exit.code && exit.code !== 0 ? exit.code : 1;

function readReport(): JsonReport | undefined {
  try {
    return JSON.parse(readFileSync(reportFile, "utf8")) as JsonReport;
  } catch {
    return undefined;
  }
}

function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}
