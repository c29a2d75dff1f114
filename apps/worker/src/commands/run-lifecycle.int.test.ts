/**
 * The run record's guarantees with real services: a run whose worker died is taken over and
 * resumed from its checkpoint, a live run elsewhere is watched not repeated, a worker that lost
 * its run stops writing, and a stopping worker releases its run for the next one.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { newCommand, type CommandMessage } from "@periskope-pipeline/commands";
import { publishCommand } from "./publish-command.ts";
import type { StoredRun } from "./run-record.ts";
import { CommandsIndex } from "./run-store.ts";
import { startCommands, type CommandRunner } from "./start-commands.ts";
import { createHarness, type Harness } from "../../test/support/command-harness.ts";

const CHATS = 3_000;
const PAGE = 500;

let h: Harness;
let store: CommandsIndex;
const runners: CommandRunner[] = [];

beforeAll(async () => {
  h = await createHarness({ chats: CHATS, seed: "run-lifecycle" });
  store = new CommandsIndex(h.es, h.indices.commands);
}, 120_000);

afterEach(async () => {
  await Promise.all(runners.splice(0).map((r) => r.stop()));
  h.sim.setFaults({});
});

afterAll(async () => {
  await h?.cleanup();
});

async function startRunner(workerId?: string) {
  const runner = await startCommands(h.deps({ settings: { refreshPageSize: PAGE }, ...(workerId ? { workerId } : {}) }));
  runners.push(runner);
  return runner;
}

function refreshCommand(): CommandMessage {
  return newCommand({ type: "refresh-cache", args: {} }, "test");
}

function seededRun(command: CommandMessage, overrides: Partial<StoredRun>): StoredRun {
  return {
    kind: "run",
    command_id: command.command_id,
    type: command.type,
    args: {},
    status: "running",
    requested_at: command.requested_at,
    worker_id: "dead-worker",
    started_at: new Date(Date.now() - 120_000).toISOString(),
    heartbeat_at: new Date(Date.now() - 60_000).toISOString(),
    attempt: 1,
    ...overrides,
  };
}

describe("run lifecycle", () => {
  it("takes over a run whose worker died and resumes it from the checkpoint", async () => {
    const [p0, p1] = h.sim.phones as [string, string];
    const command = refreshCommand();
    // The dead worker had finished phone 0 up to offset 1000 (two pages, 1000 new chats).
    const checkpoint = {
      phones: {
        [p0]: { offset: 1_000, done: false, counts: { total_chats: 1_000, newly_cached: 1_000, already_cached: 0, renamed: 0, unnamed: 0, pages: 2 } },
        [p1]: { offset: 0, done: false, counts: { total_chats: 0, newly_cached: 0, already_cached: 0, renamed: 0, unnamed: 0, pages: 0 } },
      },
      api_calls: 2,
      elapsed_ms: 700,
    };
    expect((await store.create(command.command_id, seededRun(command, { checkpoint }))).ok).toBe(true);
    h.sim.resetStats();
    await startRunner("rescuer");

    await publishCommand(h.pubsub, h.topology.commandsTopic, command);
    const run = await h.waitForRun(command.command_id);

    expect(run).toMatchObject({ status: "succeeded", worker_id: "rescuer", attempt: 2 });
    expect(run.checkpoint).toBeUndefined();
    // Phone 0 resumed at offset 1000 (pages 1000, 1500 → short); phone 1 from the start (4 pages).
    expect(h.sim.stats().listChatsCalls).toEqual({ [p0]: 2, [p1]: 4 });
    // The dead worker never wrote the chats it counted, so the resumed run counts them in its
    // totals from the checkpoint, and finds the rest new.
    expect(run.stats).toMatchObject({ total_chats: 3_000, newly_cached: 3_000, pages: 8, api_calls: 8, resumed: true });
  });

  it("runs a command whose publisher recorded it as accepted beforehand", async () => {
    const command = refreshCommand();
    await store.create(command.command_id, { command_id: command.command_id, status: "accepted", requested_at: command.requested_at });
    await startRunner("first-runner");
    await publishCommand(h.pubsub, h.topology.commandsTopic, command);
    const run = await h.waitForRun(command.command_id);
    expect(run).toMatchObject({ kind: "run", type: "refresh-cache", status: "succeeded", worker_id: "first-runner", attempt: 1, stats: { total_chats: 3_000 } });
  });

  it("watches a run that is alive on another worker instead of running it again", async () => {
    const command = refreshCommand();
    const created = await store.create(command.command_id, seededRun(command, { worker_id: "busy-worker", heartbeat_at: new Date().toISOString() }));
    if (!created.ok) throw new Error("seed failed");
    h.sim.resetStats();
    await startRunner();
    await publishCommand(h.pubsub, h.topology.commandsTopic, command);

    // The other worker keeps beating for a while, then finishes.
    let version = created.version;
    for (let i = 0; i < 4; i++) {
      await new Promise((r) => setTimeout(r, 500));
      const current = await store.get<StoredRun>(command.command_id);
      const beat = await store.replace(command.command_id, { ...current?.doc, heartbeat_at: new Date().toISOString() }, current?.version ?? version);
      if (beat.ok) version = beat.version;
    }
    const current = await store.get<StoredRun>(command.command_id);
    await store.replace(command.command_id, { ...current?.doc, status: "succeeded", stats: { by: "busy-worker" } }, current?.version ?? version);
    await new Promise((r) => setTimeout(r, 1_500));

    const run = await h.waitForRun(command.command_id);
    expect(run).toMatchObject({ status: "succeeded", worker_id: "busy-worker", attempt: 1, stats: { by: "busy-worker" } });
    expect(h.sim.stats().listChatsCalls).toEqual({});
  });

  it("takes over a watched run once its worker stops beating", async () => {
    const command = refreshCommand();
    await store.create(command.command_id, seededRun(command, { worker_id: "dies-soon", heartbeat_at: new Date().toISOString() }));
    await startRunner("watcher");
    await publishCommand(h.pubsub, h.topology.commandsTopic, command);
    // No heartbeat ever comes; after the stale limit (3 s in tests) the watcher runs it.
    const run = await h.waitForRun(command.command_id);
    expect(run).toMatchObject({ status: "succeeded", worker_id: "watcher", attempt: 2 });
  });

  it("stops without writing when another worker took its run over", async () => {
    h.sim.setFaults({ latencyMs: 400 });
    const command = refreshCommand();
    await startRunner("slow-owner");
    await publishCommand(h.pubsub, h.topology.commandsTopic, command);
    await h.waitForRun(command.command_id, (r) => r.status === "running" && r.worker_id === "slow-owner");

    // Another worker (here: the test) takes the record over, as after a missed heartbeat.
    const current = await store.get<StoredRun>(command.command_id);
    if (!current) throw new Error("no record");
    const takenOver = { ...current.doc, worker_id: "new-owner", attempt: current.doc.attempt + 1, heartbeat_at: new Date(Date.now() + 60_000).toISOString() };
    const written = await store.replace(command.command_id, takenOver, current.version);
    if (!written.ok) throw new Error("takeover write failed");

    // The old owner keeps paging for a while (latency), tries to save progress, finds the record
    // taken, and stops: the record is exactly as the new owner wrote it.
    await new Promise((r) => setTimeout(r, 3_000));
    const after = await store.get<StoredRun>(command.command_id);
    expect(after?.doc).toMatchObject({ status: "running", worker_id: "new-owner", attempt: 2 });
    expect(after?.version).toEqual(written.version);

    // End the run as its new owner would, so the old owner's nacked delivery is not watched into
    // the next test.
    await store.replace(command.command_id, { ...takenOver, status: "succeeded", finished_at: new Date().toISOString() }, written.version);
  });

  it("releases its run when the worker stops, and the next worker resumes it", async () => {
    h.sim.setFaults({ latencyMs: 700 });
    const command = refreshCommand();
    const first = await startRunner("stopping");
    await publishCommand(h.pubsub, h.topology.commandsTopic, command);
    await h.waitForRun(command.command_id, (r) => r.status === "running" && Number(r.progress?.pages ?? 0) >= 1);

    await first.stop();
    runners.splice(runners.indexOf(first), 1);
    const released = await h.waitForRun(command.command_id, (r) => r.status === "accepted");
    expect(released.worker_id).toBeUndefined();
    expect(released.checkpoint).toBeDefined();

    h.sim.setFaults({});
    await startRunner("next");
    const run = await h.waitForRun(command.command_id);
    expect(run).toMatchObject({ status: "succeeded", worker_id: "next", attempt: 2 });
    // Each phone resumed at its checkpoint: no page counted twice, no chat missed.
    expect(run.stats).toMatchObject({ total_chats: 3_000, pages: 8, resumed: true });
    expect(Number(run.stats?.newly_cached) + Number(run.stats?.already_cached)).toBe(3_000);
  });

  it("gives each publish of a bare request (Cloud Scheduler's weekly body) its own run", async () => {
    await startRunner();
    const topic = h.pubsub.topic(h.topology.commandsTopic);
    const body = Buffer.from(JSON.stringify({ type: "refresh-cache", args: {} }));
    const ids: string[] = [];
    for (let week = 0; week < 2; week++) {
      const messageId = await topic.publishMessage({ data: body, attributes: { command_type: "refresh-cache", requested_by: "cloud-scheduler" } });
      const run = await h.waitForRun(`pubsub-${messageId}`, (r) => r.status === "succeeded" || r.status === "failed");
      expect(run.status).toBe("succeeded");
      expect(run.requested_by).toBe("cloud-scheduler");
      expect(run.stats?.total_chats).toBe(CHATS);
      ids.push(run.command_id);
    }
    expect(new Set(ids).size).toBe(2);
  });
});
