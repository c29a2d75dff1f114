/**
 * Refresh without `PERISKOPE_PHONES` (issue 12): the original service never asked for phones. The
 * worker remembers the org phones webhooks come through, and `refresh-cache` pages those.
 */
import { newCommand } from "@periskope-pipeline/commands";
import { freePort } from "@periskope-pipeline/local-stack";
import { messageCreated, startSimulator, type SimulatorHandle } from "@periskope-pipeline/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { publishCommand } from "../src/commands/publish-command.ts";
import type { StoredRun } from "../src/commands/run-record.ts";
import { recordedOrgPhones } from "../src/org-phones/org-phones.ts";
import { TEST_API_KEY } from "./support/in-process-worker.ts";
import { publishBodies } from "./support/publish.ts";
import { createTestStack, type TestStack } from "./support/test-stack.ts";
import { waitFor, waitForCount } from "./support/wait.ts";
import { startNodeProcess, type ChildService } from "./support/worker-process.ts";

let stack: TestStack;
let sim: SimulatorHandle;
let worker: ChildService | undefined;

beforeAll(async () => {
  stack = await createTestStack("org-phones");
  sim = await startSimulator({ chats: 300, apiKey: TEST_API_KEY, nullNameRatio: 0 });
  // The worker as deployed (pipeline and commands in one process), with no phone configured.
  const port = await freePort();
  worker = startNodeProcess("apps/worker/src/main.ts", stack.env({ WORKER_METRICS_PORT: String(port), PERISKOPE_API_URL: sim.url, PERISKOPE_API_KEY: TEST_API_KEY, PERISKOPE_PHONES: "" }));
  await waitFor("the worker to be ready", async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).ok, 90_000).catch((error: Error) => {
    throw new Error(`${error.message}\n${worker?.output()}`);
  });
}, 120_000);

afterAll(async () => {
  worker?.kill("SIGTERM");
  await worker?.exited;
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
  }, 90_000);
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
