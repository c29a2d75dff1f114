/**
 * Warm-up across replicas: three workers start together with CACHE_ON_STARTUP=true → exactly one
 * refresh runs, while each worker's pipeline keeps indexing messages; a warm-up within the interval
 * is skipped; a worker that died holding the warm-up lease holds up the next one for seconds only.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newCommand } from "@periskope-pipeline/commands";
import { messageCreatedBatch } from "@periskope-pipeline/testkit";
import type { Worker } from "../worker.ts";
import { createLogger } from "@periskope-pipeline/observability";
import { REFRESH_LEASE } from "./exclusive-refresh.ts";
import { currentLease, leaseId, type LeaseDoc } from "./lease.ts";
import { publishCommand } from "./publish-command.ts";
import type { StoredRun } from "./run-record.ts";
import { CommandsIndex } from "./run-store.ts";
import { startCommands, type CommandRunner } from "./start-commands.ts";
import { createHarness, seedCache, type Harness } from "../../test/support/command-harness.ts";
import { startWorker } from "../../test/support/in-process-worker.ts";
import { publishBodies } from "../../test/support/publish.ts";
import { WARM_UP_LEASE, WARM_UP_MARKER_ID, scheduleWarmUp, type WarmUpMarker } from "./warm-up.ts";

const CHATS = 3_000;
const MESSAGES = 300;

let h: Harness;
const runners: CommandRunner[] = [];
const workers: Worker[] = [];

beforeAll(async () => {
  h = await createHarness({ chats: CHATS, seed: "warm-up" });
}, 120_000);

afterAll(async () => {
  await Promise.all(runners.map((r) => r.stop()));
  await Promise.all(workers.map((w) => w.stop()));
  await h?.cleanup();
});

async function runs(): Promise<StoredRun[]> {
  await h.es.indices.refresh({ index: h.indices.commands });
  const response = await h.es.search<StoredRun>({ index: h.indices.commands, query: { term: { kind: "run" } }, size: 100 });
  return response.hits.hits.map((hit) => hit._source as StoredRun);
}

async function messageCount(): Promise<number> {
  await h.es.indices.refresh({ index: h.indices.messages });
  return (await h.es.count({ index: h.indices.messages })).count;
}

describe("warm-up on startup", () => {
  it("runs one refresh for three workers starting together, without holding up messages", async () => {
    // Messages go to 30 chats that are already cached, so indexing them needs no API call.
    const chatIds = h.sim.chatIds({ limit: 30 });
    await seedCache(h.es, h.indices.chatNames, chatIds.map((chatId) => ({ chatId, chatName: h.sim.getChat(chatId)?.chat_name as string })));
    // A slow API makes the refresh take seconds (16 pages of 200 chats per phone, 250 ms each).
    h.sim.setFaults({ latencyMs: 250 });

    for (let i = 0; i < 3; i++) {
      const clients = { es: h.newEs(), pubsub: h.newPubSub() };
      const worker = startWorker(h, { clients, apiUrl: h.sim.url, overrides: { PERISKOPE_PHONES: h.sim.phones.join(","), PUBSUB_MAX_STREAMS: "1" }, fillDelayMs: 0 });
      workers.push(worker);
      runners.push(
        await startCommands(
          h.deps({
            ...clients,
            workerId: `replica-${i}`,
            settings: { cacheOnStartup: true, warmUpDelayMs: 100, refreshPageSize: 200 },
            onChatNamesChanged: async (updates) => void (await worker.chatNames.namesChanged(updates)),
          }),
        ),
      );
    }
    await publishBodies(h.pubsub, h.topology.eventsTopic, messageCreatedBatch({ count: MESSAGES, chatIds, seed: h.id }));

    // Messages are indexed while the warm-up is still running.
    const deadline = Date.now() + 30_000;
    while ((await messageCount()) < MESSAGES && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const messagesDoneAt = Date.now();
    expect(await messageCount()).toBe(MESSAGES);

    let started = await runs();
    while (started.length === 0 && Date.now() < deadline) started = await runs();
    const warmUp = await h.waitForRun(started[0]?.command_id as string);
    expect(warmUp).toMatchObject({ type: "warm-up", status: "succeeded", stats: { total_chats: CHATS, newly_cached: CHATS - 30, already_cached: 30, skipped: false } });
    expect(Date.parse(warmUp.finished_at as string)).toBeGreaterThan(messagesDoneAt);

    // Still exactly one run; the marker names it. No lease outlives the run by more than seconds:
    // the scheduler's lasts COMMAND_STALE_AFTER_MS (3 s here), the refresh's was given back.
    expect(await runs()).toHaveLength(1);
    const marker = await h.es.get<WarmUpMarker>({ index: h.indices.commands, id: WARM_UP_MARKER_ID });
    expect(marker._source?.command_id).toBe(warmUp.command_id);
    const lease = await h.es.get<LeaseDoc>({ index: h.indices.commands, id: leaseId(WARM_UP_LEASE) });
    expect(lease._source?.command_id).toBe(warmUp.command_id);
    expect(Date.parse(lease._source?.expires_at as string)).toBeLessThanOrEqual(Date.parse(lease._source?.acquired_at as string) + 3_000);
    expect(await currentLease(new CommandsIndex(h.es, h.indices.commands), REFRESH_LEASE)).toBeNull();
  });

  it("records a warm-up published within the interval as skipped", async () => {
    const command = newCommand({ type: "warm-up", args: {} }, "test");
    await publishCommand(h.pubsub, h.topology.commandsTopic, command);
    const run = await h.waitForRun(command.command_id);
    expect(run.status).toBe("succeeded");
    expect(run.stats).toMatchObject({ skipped: true });
    expect(String(run.stats?.reason)).toMatch(/next warm-up may run after/);
  });

  it("is held up for seconds, not an interval, by a worker that died between taking the lease and publishing", async () => {
    const store = new CommandsIndex(h.es, h.indices.commands);
    // A warm-up is due again (the marker is gone, as after the interval).
    await h.es.delete({ index: h.indices.commands, id: WARM_UP_MARKER_ID, refresh: "wait_for" });
    // The dying worker takes the lease, and its publish never happens.
    const dying = scheduleWarmUp({
      store,
      publish: () => new Promise(() => {}),
      delayMs: 0,
      intervalMs: 3_600_000,
      leaseTtlMs: h.deps().settings.staleAfterMs,
      workerId: "dying",
      logger: createLogger({ service: "test", level: "silent" }),
    });
    const deadline = Date.now() + 10_000;
    while (!(await currentLease(store, WARM_UP_LEASE))?.command_id.includes("dying") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    dying.cancel();

    // Its lease expires within seconds; a worker starting then warms the cache.
    while ((await currentLease(store, WARM_UP_LEASE)) !== null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(await currentLease(store, WARM_UP_LEASE)).toBeNull();
    const before = (await runs()).length;
    runners.push(await startCommands(h.deps({ workerId: "restarted", settings: { cacheOnStartup: true, warmUpDelayMs: 0 } })));
    let started = await runs();
    const until = Date.now() + 30_000;
    while (started.length === before && Date.now() < until) started = await runs();
    const next = started.find((r) => r.command_id.includes("restarted"));
    expect(next).toBeDefined();
    expect(await h.waitForRun(next?.command_id as string)).toMatchObject({ type: "warm-up", status: "succeeded", stats: { skipped: false } });
  });
});
