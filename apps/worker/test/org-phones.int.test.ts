/**
 * Refresh without `PERISKOPE_PHONES` (issue 12): the original service never asked for phones. The
 * worker remembers the org phones webhooks come through, and `refresh-cache` pages those.
 */
import { randomUUID } from "node:crypto";
import { newCommand } from "@periskope-pipeline/contracts";
import { createLogger, createMetricsRegistry } from "@periskope-pipeline/observability";
import { createPeriskopeClient } from "@periskope-pipeline/periskope";
import { messageCreated, startSimulator, type SimulatorHandle } from "@periskope-pipeline/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { publishCommand } from "../src/commands/publish-command.ts";
import type { StoredRun } from "../src/commands/run-record.ts";
import { DEFAULT_COMMAND_SETTINGS } from "../src/commands/settings.ts";
import { startCommands, type CommandRunner } from "../src/commands/start-commands.ts";
import { recordedOrgPhones } from "../src/org-phones/org-phones.ts";
import { startWorker, TEST_API_KEY, type RunningWorker } from "./support/in-process-worker.ts";
import { publishBodies } from "./support/publish.ts";
import { createTestStack, type TestStack } from "./support/test-stack.ts";
import { waitFor, waitForCount } from "./support/wait.ts";

let stack: TestStack;
let sim: SimulatorHandle;
let worker: RunningWorker | undefined;
let commands: CommandRunner | undefined;

beforeAll(async () => {
  stack = await createTestStack("org-phones");
  sim = await startSimulator({ chats: 300, apiKey: TEST_API_KEY, nullNameRatio: 0 });
  worker = startWorker(stack, { apiUrl: sim.url, overrides: { PERISKOPE_PHONES: "" } });
  commands = await startCommands({
    es: stack.es,
    indices: stack.indices,
    pubsub: stack.pubsub,
    topology: stack.topology,
    periskope: ({ onAttempt }) => createPeriskopeClient({ baseUrl: sim.url, apiKey: TEST_API_KEY, timeoutMs: 5_000, onAttempt }),
    phones: [],
    logger: createLogger({ service: "org-phones-test", level: "silent" }),
    metrics: createMetricsRegistry("org-phones-test", { defaultMetrics: false }),
    workerId: `worker-${randomUUID().slice(0, 6)}`,
    settings: { ...DEFAULT_COMMAND_SETTINGS, heartbeatMs: 500, staleAfterMs: 3_000 },
    onChatNamesChanged: async (updates) => void (await worker!.chatNames.namesChanged(updates)),
  });
}, 120_000);

afterAll(async () => {
  await commands?.stop();
  await worker?.stop();
  await sim?.close();
  await stack?.cleanup();
});

async function refresh(): Promise<StoredRun> {
  const command = newCommand({ type: "refresh-cache", args: {} }, "test");
  await publishCommand(stack.pubsub, stack.topology.commandsTopic, command);
  return waitFor(`run ${command.command_id} finished`, async () => {
    const response = await stack.es.get<StoredRun>({ index: stack.indices.commands, id: command.command_id }, { ignore: [404] });
    const run = response.found ? response._source : undefined;
    return run && (run.status === "succeeded" || run.status === "failed") ? run : undefined;
  });
}

describe("refresh-cache without PERISKOPE_PHONES", () => {
  it("with no phone configured and none seen, fails saying what to set", async () => {
    const run = await refresh();
    expect(run.status).toBe("failed");
    expect(run.error?.code).toBe("no_phones");
    expect(run.error?.message).toContain("set PERISKOPE_PHONES");
  });

  it("pages the org phone a webhook came through", async () => {
    const [phone] = sim.phones as string[];
    await publishBodies(stack.pubsub, stack.topology.eventsTopic, [messageCreated({ seed: stack.id, index: 1, orgPhone: `${phone}@c.us` })]);
    await waitForCount(stack.es, stack.indices.messages, 1);
    await waitFor("the org phone recorded", async () => (await recordedOrgPhones(stack.es, stack.indices.commands)).includes(phone!));
    sim.resetStats();

    const run = await refresh();

    expect(run.status).toBe("succeeded");
    expect(Object.keys(sim.stats().listChatsCalls)).toEqual([phone]);
    const onThatPhone = sim.chatIds({ phone }).length;
    expect(onThatPhone).toBeGreaterThan(0);
    expect(run.stats).toMatchObject({ total_chats: onThatPhone, newly_cached: onThatPhone, already_cached: 0 });
  });
});
