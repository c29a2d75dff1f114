/**
 * `refresh-cache` under Periskope simulator faults: transient ones (429 with Retry-After, a 5xx
 * page, a dropped connection) are retried and the run's stats are exact; a lasting outage fails the
 * run with a clear error whose stats say exactly what was written, and a rerun completes it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newCommand } from "@periskope-pipeline/commands";
import { deleteIndices } from "@periskope-pipeline/elasticsearch";
import { createPeriskopeClient } from "@periskope-pipeline/periskope";
import { publishCommand } from "../publish-command.ts";
import { startCommands, type CommandRunner } from "../start-commands.ts";
import { createHarness, type Harness } from "../../../test/support/command-harness.ts";
import { TEST_API_KEY } from "../../../test/support/in-process-worker.ts";

const CHATS = 3_000;
const PAGE = 500;

let h: Harness;
let runner: CommandRunner | undefined;
/** Called after every API attempt of the runs below; tests use it to switch faults on mid-run. */
let afterAttempt: (outcome: string) => void = () => {};

beforeAll(async () => {
  h = await createHarness({ chats: CHATS, seed: "refresh-faults" });
}, 120_000);

afterAll(async () => {
  await runner?.stop();
  await h?.cleanup();
});

async function start() {
  await runner?.stop();
  runner = await startCommands(
    h.deps({
      settings: { refreshPageSize: PAGE },
      periskope: createPeriskopeClient({
        baseUrl: h.sim.url,
        apiKey: TEST_API_KEY,
        timeoutMs: 5_000,
        retry: { baseDelayMs: 20, maxDelayMs: 200, maxServerDelayMs: 2_000, budgetMs: 10_000 },
        onAttempt: (event) => afterAttempt(event.outcome),
      }),
    }),
  );
}

async function refresh() {
  const command = newCommand({ type: "refresh-cache", args: {} }, "test");
  await publishCommand(h.pubsub, h.topology.commandsTopic, command);
  return h.waitForRun(command.command_id);
}

async function cacheSize(): Promise<number> {
  await h.es.indices.refresh({ index: h.indices.chatNames });
  return (await h.es.count({ index: h.indices.chatNames })).count;
}

describe("refresh-cache under API faults", () => {
  it("retries a 429, a 5xx page and a dropped connection and still reports exact stats", async () => {
    await start();
    h.sim.failNext(
      { route: "listChats", action: { type: "rate-limit", seconds: 1, retryAfter: "seconds" } },
      { route: "listChats", action: { type: "status", status: 503 } },
      { route: "listChats", action: { type: "drop", phase: "before-response" } },
      { route: "listChats", action: { type: "drop", phase: "mid-body" } },
    );
    h.sim.resetStats();

    const run = await refresh();

    expect(run.status).toBe("succeeded");
    // 1,500 chats per phone in pages of 500: three full pages and an empty one each.
    expect(run.stats).toMatchObject({ total_chats: 3_000, newly_cached: 3_000, already_cached: 0, renamed: 0, pages: 8 });
    // Every failed attempt counts as an API call: 8 pages + 4 retried attempts.
    expect(run.stats?.api_calls).toBe(12);
    const outcomes = h.sim.stats().byRoute.listChats ?? {};
    expect(outcomes).toMatchObject({ "429": 1, "503": 1 });
    expect(Object.values(outcomes).reduce((a, b) => a + b, 0)).toBe(12);
    expect(await cacheSize()).toBe(3_000);
  });

  it("fails with a clear error when the API stays down, and its stats match what the cache holds", async () => {
    await deleteIndices(h.es, [h.indices.chatNames]);
    await h.es.indices.create({ index: h.indices.chatNames });
    await start();
    let served = 0;
    // The API goes down for good once two pages were served.
    afterAttempt = (outcome) => {
      if (outcome === "200" && ++served === 2) h.sim.setFaults({ errorRate: 1, errorStatus: 502 });
    };

    const failed = await refresh();
    afterAttempt = () => {};
    h.sim.setFaults({});

    expect(failed.status).toBe("failed");
    expect(failed.error?.code).toMatch(/^periskope_/);
    expect(failed.error?.message).toMatch(/HTTP 502/);
    expect(failed.error?.message).toMatch(/were written to the cache before the failure/);
    expect(failed.stats).toMatchObject({ complete: false, renamed: 0 });
    const written = Number(failed.stats?.newly_cached);
    expect(written).toBeGreaterThan(0);
    expect(written).toBeLessThan(3_000);
    // Honest: the cache holds exactly what the failed run says it wrote.
    expect(await cacheSize()).toBe(written);

    const rerun = await refresh();
    expect(rerun.status).toBe("succeeded");
    expect(rerun.stats).toMatchObject({ total_chats: 3_000, newly_cached: 3_000 - written, already_cached: written });
    expect(await cacheSize()).toBe(3_000);
  });

  it("fails at once, with the reason, when the API rejects the key", async () => {
    await start();
    h.sim.setFaults({ planInactive: true });
    const failed = await refresh();
    h.sim.setFaults({});
    expect(failed.status).toBe("failed");
    expect(failed.error?.message).toMatch(/HTTP 401/);
    expect(failed.stats).toMatchObject({ pages: 0, newly_cached: 0, complete: false });
  });
});
