/**
 * The ops CLI from a shell with nothing configured and no local stack running: it never probes
 * the cloud metadata address, and ends with exit code 5 and one line saying what to do.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { freePort } from "@periskope-pipeline/local-stack";
import { afterAll, describe, expect, it } from "vitest";

const MAIN = path.join(import.meta.dirname, "main.ts");
// An empty home (no gcloud credentials), an empty state folder (no npm start), no .env.
const home = mkdtempSync(path.join(tmpdir(), "ops-home-"));
afterAll(() => rmSync(home, { recursive: true, force: true }));

function ops(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [MAIN, ...args], {
    cwd: home,
    env: { PATH: process.env.PATH, HOME: home, LOCAL_STACK_DIR: home, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
  return new Promise((resolve) =>
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    }),
  );
}

describe("ops CLI with nothing to reach", () => {
  it("without an emulator or Google credentials: exit 5, one line, no metadata probe", async () => {
    const result = await ops(["refresh-cache", "--wait"]);
    expect(result.code, result.stderr).toBe(5);
    expect(result.stderr.trim().split("\n")).toEqual([expect.stringMatching(/^error: Pub\/Sub: no Google credentials .*npm start.*PUBSUB_EMULATOR_HOST/)]);
    expect(result.stderr).not.toMatch(/Metadata/);
  }, 40_000);

  it("with Elasticsearch down: exit 5 and one line naming it", async () => {
    const result = await ops(["list"], { ELASTICSEARCH_URL: `http://127.0.0.1:${await freePort()}` });
    expect(result.code, result.stderr).toBe(5);
    expect(result.stderr.trim().split("\n")).toEqual([expect.stringMatching(/^error: cannot reach Elasticsearch/)]);
  }, 40_000);
});
