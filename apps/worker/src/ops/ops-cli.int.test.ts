/**
 * The ops CLI as operators run it (`npx node apps/worker/src/ops/main.ts …`, i.e. `npm run ops`),
 * against a command runner on real services: `--wait` shows progress and exits 0 with the stats,
 * or non-zero with the reason.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCommands, type CommandRunner } from "../commands/index.ts";
import { createHarness, type Harness } from "../../test/support/command-harness.ts";

const REPO_ROOT = fileURLToPath(new URL("../../../../", import.meta.url));
const MAIN = "apps/worker/src/ops/main.ts";

let h: Harness;
let runner: CommandRunner;

beforeAll(async () => {
  h = await createHarness({ chats: 2_000, seed: "ops-cli" });
  runner = await startCommands(h.deps({ settings: { refreshPageSize: 100 } }));
}, 120_000);

afterAll(async () => {
  await runner?.stop();
  await h?.cleanup();
});

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function ops(...args: string[]): Promise<CliResult> {
  const env = {
    ...process.env,
    ELASTICSEARCH_URL: process.env.ELASTICSEARCH_URL ?? "http://127.0.0.1:9200",
    ELASTICSEARCH_COMMANDS_INDEX: h.indices.commands,
    PUBSUB_PROJECT_ID: h.projectId,
    PUBSUB_EMULATOR_HOST: process.env.PUBSUB_EMULATOR_HOST ?? "127.0.0.1:8085",
    PUBSUB_COMMANDS_TOPIC: h.topology.commandsTopic,
    METADATA_SERVER_DETECTION: "none",
  };
  return new Promise((resolve, reject) => {
    const child = spawn("npx", ["node", MAIN, ...args], { cwd: REPO_ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), 90_000);
    child.once("error", reject);
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe("ops CLI", () => {
  it("publishes refresh-cache, follows it with a progress bar and exits 0 with the stats", async () => {
    // Slow pages (10 per phone at 250 ms) so the run lasts long enough to show progress.
    h.sim.setFaults({ latencyMs: 250 });
    const result = await ops("refresh-cache", "--wait", "--timeout", "60");
    h.sim.setFaults({});

    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/published refresh-cache: command_id \S+/);
    expect(result.stdout).toMatch(/refresh-cache\s+succeeded/);
    expect(result.stdout).toMatch(/total_chats\s+2,000/);
    expect(result.stdout).toMatch(/newly_cached\s+2,000/);
    // The progress bar (one line every 2 s without a terminal): chats, pages, rate, ETA.
    expect(result.stderr).toMatch(/refresh-cache (running|succeeded) \|.*\| [\d,]+\/[\d,?]+ chats \| \d+ pages.* \| [\d.,]+\/s \| ETA/);

    const id = /command_id (\S+)/.exec(result.stdout)?.[1] as string;
    const status = await ops("status", id);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(`${id}  refresh-cache  succeeded`);
    await h.es.indices.refresh({ index: h.indices.commands });
    const list = await ops("list", "--limit", "5");
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(new RegExp(`${id}\\s+refresh-cache\\s+succeeded.*total_chats=2,000`));
  });

  it("exits non-zero with the reason when the run fails", async () => {
    h.sim.setFaults({ planInactive: true });
    const result = await ops("refresh-cache", "--wait", "--timeout", "60");
    h.sim.setFaults({});
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/refresh-cache failed: periskope_\S+: .*HTTP 401/);
  });

  it("rejects invalid args before publishing, and reports unknown runs", async () => {
    const invalid = await ops("replay-dead-letters", "--limit", "0");
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toMatch(/args\.limit/);
    const unknown = await ops("status", "no-such-command");
    expect(unknown.code).toBe(4);
  });
});
