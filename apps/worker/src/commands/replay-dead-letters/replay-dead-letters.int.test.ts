/**
 * `replay-dead-letters` with the real worker: messages dead-lettered because the messages index had
 * a broken mapping are moved back after the mapping is fixed, and then indexed.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newCommand, type CommandArgs } from "@periskope-pipeline/commands";
import { deleteIndices, installTemplates } from "@periskope-pipeline/elasticsearch";
import { messageCreatedBatch, messageUpdated } from "@periskope-pipeline/testkit";
import type { Worker } from "../../worker.ts";
import { publishCommand } from "../publish-command.ts";
import { DEFAULT_COMMAND_SETTINGS } from "../settings.ts";
import type { StoredRun } from "../run-record.ts";
import { startCommands, type CommandRunner } from "../start-commands.ts";
import { createHarness, seedCache, type Harness } from "../../../test/support/command-harness.ts";
import { startWorker } from "../../../test/support/in-process-worker.ts";
import { publishBodies } from "../../../test/support/publish.ts";

const CREATED = 40;
const UPDATED = 10;

let h: Harness;
let worker: Worker;
let runner: CommandRunner;

beforeAll(async () => {
  h = await createHarness({ chats: 100, seed: "replay" });
  // The production idle window: the harness topology has the production retry policy on the
  // dead-letter subscription, under which handed-back messages return only after a backoff.
  runner = await startCommands(h.deps({ settings: { replayIdleMs: DEFAULT_COMMAND_SETTINGS.replayIdleMs } }));
}, 120_000);

afterAll(async () => {
  await runner?.stop();
  await worker?.stop();
  await h?.cleanup();
});

async function replay(args: CommandArgs<"replay-dead-letters">): Promise<StoredRun> {
  const command = newCommand({ type: "replay-dead-letters", args }, "test");
  await publishCommand(h.pubsub, h.topology.commandsTopic, command);
  return h.waitForRun(command.command_id);
}

async function messageCount(): Promise<number> {
  await h.es.indices.refresh({ index: h.indices.messages });
  return (await h.es.count({ index: h.indices.messages })).count;
}

async function until(check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe("replay-dead-letters", () => {
  it("moves dead letters back after a mapping fix, and the worker indexes them", async () => {
    // A broken mapping: `body` as a date, so every message document is rejected and dead-lettered.
    await deleteIndices(h.es, [h.indices.messages]);
    await h.es.indices.create({ index: h.indices.messages, mappings: { properties: { body: { type: "date" } } } });
    const chatIds = h.sim.chatIds({ limit: 5 });
    await seedCache(h.es, h.indices.chatNames, chatIds.map((chatId) => ({ chatId, chatName: h.sim.getChat(chatId)?.chat_name as string })));
    // A second subscription on the dead-letter topic tells the test when everything got there,
    // without touching the one the replay drains.
    const [observer] = await h.pubsub.topic(h.topology.deadLetterTopic).createSubscription(`observer-${h.id}`);
    let deadLettered = 0;
    observer.on("message", (m) => {
      deadLettered++;
      m.ack();
    });
    worker = startWorker(h, { apiUrl: h.sim.url, overrides: { PERISKOPE_PHONES: h.sim.phones.join(","), PUBSUB_MAX_STREAMS: "1" }, fillDelayMs: 0 });
    const created = messageCreatedBatch({ count: CREATED, chatIds, seed: h.id });
    const updated = Array.from({ length: UPDATED }, (_, i) => messageUpdated({ index: CREATED + i, chatId: chatIds[0], seed: h.id }));
    await publishBodies(h.pubsub, h.topology.eventsTopic, [...created, ...updated]);

    await until(async () => deadLettered === CREATED + UPDATED);
    await observer.close();
    await observer.delete();
    expect(await messageCount()).toBe(0);

    // A dry run counts and consumes nothing.
    const dry = await replay({ dry_run: true, event_type: "message.updated" });
    expect(dry.stats).toMatchObject({ would_move: UPDATED, not_matching: CREATED, moved: 0, dry_run: true });

    // Fix the mapping: recreate the index from the template.
    await h.es.indices.delete({ index: h.indices.messages });
    await installTemplates(h.es, h.indices);

    const firstPart = await replay({ event_type: "message.created", limit: 30 });
    expect(firstPart.status).toBe("succeeded");
    expect(firstPart.stats).toMatchObject({ moved: 30, publish_failed: 0, stopped: "limit" });
    await until(async () => (await messageCount()) === 30);

    const rest = await replay({});
    expect(rest.stats).toMatchObject({ moved: CREATED - 30 + UPDATED, stopped: "drained" });
    await until(async () => (await messageCount()) === CREATED + UPDATED);

    const docs = await h.es.search<{ chat_name?: string; body?: string }>({ index: h.indices.messages, size: 100 });
    for (const hit of docs.hits.hits) expect(typeof hit._source?.chat_name).toBe("string");

  });
});
