/**
 * One refresh at a time across replicas, with the real Elasticsearch and emulator: two runners
 * asked at once run one refresh and record the other request as joined; a refresh finds an
 * expired lease and takes it over; a refresh whose lease another run took stops.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { newCommand, type CommandMessage } from "@periskope-pipeline/commands";
import { REFRESH_LEASE } from "./exclusive-refresh.ts";
import { leaseId, type LeaseDoc } from "./lease.ts";
import { publishCommand } from "./publish-command.ts";
import type { StoredRun } from "./run-record.ts";
import { CommandsIndex } from "./run-store.ts";
import { startCommands, type CommandRunner } from "./start-commands.ts";
import { createHarness, type Harness } from "../../test/support/command-harness.ts";

const CHATS = 2_000;
const PAGE = 250;

let h: Harness;
let store: CommandsIndex;
const runners: CommandRunner[] = [];

beforeAll(async () => {
  h = await createHarness({ chats: CHATS, seed: "refresh-lease" });
  store = new CommandsIndex(h.es, h.indices.commands);
}, 120_000);

afterEach(async () => {
  await Promise.all(runners.splice(0).map((r) => r.stop()));
  h.sim.setFaults({});
});

afterAll(async () => {
  await h?.cleanup();
});

async function startRunner(workerId: string): Promise<CommandRunner> {
  const runner = await startCommands(h.deps({ es: h.newEs(), pubsub: h.newPubSub(), workerId, settings: { refreshPageSize: PAGE } }));
  runners.push(runner);
  return runner;
}

function refreshCommand(): CommandMessage {
  return newCommand({ type: "refresh-cache", args: {} }, "test");
}

const ended = (run: StoredRun) => run.status === "succeeded" || run.status === "failed" || run.status === "joined";

async function refreshLease(): Promise<LeaseDoc | undefined> {
  return (await store.get<LeaseDoc>(leaseId(REFRESH_LEASE)))?.doc;
}

describe("one refresh at a time", () => {
  it("runs one of two refreshes requested at once on two workers; the other joins it", async () => {
    // Slow pages (8 per phone, 400 ms each), so both requests arrive while the first refresh runs.
    h.sim.setFaults({ latencyMs: 400 });
    h.sim.resetStats();
    await startRunner("replica-a");
    await startRunner("replica-b");
    const [first, second] = [refreshCommand(), refreshCommand()];
    await Promise.all([publishCommand(h.pubsub, h.topology.commandsTopic, first), publishCommand(h.pubsub, h.topology.commandsTopic, second)]);

    const runs = await Promise.all([h.waitForRun(first.command_id, ended, 90_000), h.waitForRun(second.command_id, ended, 90_000)]);
    const ran = runs.filter((r) => r.status === "succeeded");
    const joined = runs.filter((r) => r.status === "joined");
    expect(ran).toHaveLength(1);
    expect(joined).toHaveLength(1);
    expect(joined[0]?.joined_command_id).toBe(ran[0]?.command_id);
    expect(ran[0]?.stats?.total_chats).toBe(CHATS);
    // The API was paged once: one refresh's pages per phone, not two.
    const perPhone = Object.values(h.sim.stats().listChatsCalls);
    expect(perPhone.reduce((a, b) => a + b, 0)).toBe(Number(ran[0]?.stats?.pages));
    // The lease is given back when the refresh ends: the next one runs at once.
    expect(await refreshLease()).toBeUndefined();
    const next = refreshCommand();
    await publishCommand(h.pubsub, h.topology.commandsTopic, next);
    expect(await h.waitForRun(next.command_id, ended)).toMatchObject({ status: "succeeded" });
  });

  it("joins a refresh that is running when the request arrives, and says which", async () => {
    // Slow enough that the second request is delivered long before the first refresh ends.
    h.sim.setFaults({ latencyMs: 700 });
    await startRunner("replica-a");
    await startRunner("replica-b");
    const running = refreshCommand();
    await publishCommand(h.pubsub, h.topology.commandsTopic, running);
    await h.waitForRun(running.command_id, (r) => r.status === "running" && Number(r.progress?.pages ?? 0) >= 1);
    expect(await refreshLease()).toMatchObject({ command_id: running.command_id });

    const late = refreshCommand();
    await publishCommand(h.pubsub, h.topology.commandsTopic, late);
    expect(await h.waitForRun(late.command_id, ended)).toMatchObject({ status: "joined", joined_command_id: running.command_id });
    expect(await h.waitForRun(running.command_id, ended, 90_000)).toMatchObject({ status: "succeeded" });
  });

  it("takes over a lease whose holder stopped renewing it", async () => {
    // A worker died holding the lease: it stays until it expires, then the next refresh takes it.
    const expiresAt = Date.now() + 1_500;
    const dead: LeaseDoc = { kind: "lease", name: REFRESH_LEASE, holder: "dead/1", command_id: "dead-refresh", acquired_at: new Date().toISOString(), expires_at: new Date(expiresAt).toISOString() };
    expect((await store.create(leaseId(REFRESH_LEASE), dead)).ok).toBe(true);
    await startRunner("replica-a");

    const early = refreshCommand();
    await publishCommand(h.pubsub, h.topology.commandsTopic, early);
    const joined = await h.waitForRun(early.command_id, ended);
    // Too early: the lease was still the dead refresh's.
    if (Date.parse(joined.finished_at ?? "") < expiresAt) expect(joined).toMatchObject({ status: "joined", joined_command_id: "dead-refresh" });

    while (Date.now() < expiresAt + 200) await new Promise((r) => setTimeout(r, 100));
    const after = refreshCommand();
    await publishCommand(h.pubsub, h.topology.commandsTopic, after);
    expect(await h.waitForRun(after.command_id, ended)).toMatchObject({ status: "succeeded", stats: { total_chats: CHATS } });
    expect(await refreshLease()).toBeUndefined();
  });

  it("stops a refresh whose lease another run took over", async () => {
    h.sim.setFaults({ latencyMs: 400 });
    await startRunner("slow-refresher");
    const command = refreshCommand();
    await publishCommand(h.pubsub, h.topology.commandsTopic, command);
    await h.waitForRun(command.command_id, (r) => r.status === "running" && Number(r.progress?.pages ?? 0) >= 1);

    // Another run takes the lease (as after this one's renewals failed until it expired). The
    // holder renews every 500 ms, so a read may be outdated by the time of the write: read again.
    let taken = false;
    for (let attempt = 0; attempt < 20 && !taken; attempt++) {
      const current = await store.get<LeaseDoc>(leaseId(REFRESH_LEASE));
      if (!current) throw new Error("the running refresh holds no lease");
      const other = { ...current.doc, holder: "other/1", command_id: "other-refresh", expires_at: new Date(Date.now() + 60_000).toISOString() };
      taken = (await store.replace(leaseId(REFRESH_LEASE), other, current.version)).ok;
    }
    expect(taken).toBe(true);

    const run = await h.waitForRun(command.command_id, ended, 30_000);
    expect(run).toMatchObject({ status: "failed", error: { code: "lease_lost" } });
    expect(run.error?.message).toContain("other-refresh");
    expect(run.stats?.complete).toBe(false);
    // It stopped paging, and left the new holder's lease alone.
    const calls = Object.values(h.sim.stats().listChatsCalls).reduce((a, b) => a + b, 0);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(Object.values(h.sim.stats().listChatsCalls).reduce((a, b) => a + b, 0)).toBe(calls);
    expect(await refreshLease()).toMatchObject({ command_id: "other-refresh" });
    await store.remove(leaseId(REFRESH_LEASE), (await store.get<LeaseDoc>(leaseId(REFRESH_LEASE)))!.version);
  });
});
