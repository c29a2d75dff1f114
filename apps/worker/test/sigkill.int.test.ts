/**
 * At-least-once delivery, exactly-once effect (design §7): a worker process killed with SIGKILL in
 * the middle of its work loses nothing (unacked messages come back after their lease) and
 * duplicates nothing (`_id` = message_id), and a restarted worker finishes the job.
 */
import { messageCreated } from "@periskope-pipeline/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { publishBodies } from "./support/publish.ts";
import { createTestStack, type TestStack } from "./support/test-stack.ts";
import { allDocuments, countDocuments, waitFor, waitForCount } from "./support/wait.ts";
import { startNodeProcess, type ChildService } from "./support/worker-process.ts";
import { WORKER_NODE_FLAGS } from "../src/node-flags.ts";

const TOTAL = 2_000;
let stack: TestStack;
const processes: ChildService[] = [];

beforeAll(async () => {
  stack = await createTestStack("kill", { withoutRetryPolicy: true, ackDeadlineSeconds: 10 });
});

afterAll(async () => {
  for (const p of processes) p.kill("SIGKILL");
  await Promise.all(processes.map((p) => p.exited));
  await stack?.cleanup();
});

function startWorkerProcess(overrides: Record<string, string> = {}): ChildService {
  const worker = startNodeProcess(
    "apps/worker/src/main.ts",
    stack.env({
      WORKER_METRICS_PORT: "0",
      // Leases of a killed worker expire quickly, so redelivery comes within seconds.
      PUBSUB_MIN_ACK_DEADLINE_SECONDS: "10",
      PUBSUB_MAX_ACK_DEADLINE_SECONDS: "10",
      LOG_LEVEL: "warn",
      ...overrides,
    }),
    WORKER_NODE_FLAGS,
  );
  processes.push(worker);
  return worker;
}

describe("worker killed mid-batch", () => {
  it("indexes every message exactly once after a SIGKILL and a restart", async () => {
    const bodies = Array.from({ length: TOTAL }, (_, i) => messageCreated({ seed: stack.id, index: i }));
    await publishBodies(stack.pubsub, stack.topology.eventsTopic, bodies);

    // Small batches, one at a time: the kill lands between many batches' pull and ack.
    const first = startWorkerProcess({ WORKER_BATCH_MAX_MESSAGES: "50", WORKER_MAX_BATCHES_IN_FLIGHT: "1", PUBSUB_MAX_OUTSTANDING_MESSAGES: "500" });
    await waitFor("the first worker to index some messages", async () => (await countDocuments(stack.es, stack.indices.messages)) >= 300, 60_000, 50).catch((error) => {
      throw new Error(`${(error as Error).message}\n${first.output()}`);
    });
    first.kill("SIGKILL");
    expect(await first.exited).toBe("SIGKILL");
    const atKill = await countDocuments(stack.es, stack.indices.messages);
    expect(atKill).toBeLessThan(TOTAL);

    const second = startWorkerProcess();
    await waitForCount(stack.es, stack.indices.messages, TOTAL, 90_000).catch((error) => {
      throw new Error(`${(error as Error).message}\n${second.output()}`);
    });
    // Give redeliveries of already-indexed messages time to land: they must not add documents.
    await new Promise((r) => setTimeout(r, 3_000));
    const docs = await allDocuments<{ message_id: string }>(stack.es, stack.indices.messages);
    expect(docs.size).toBe(TOTAL);
    expect(new Set([...docs.values()].map((d) => d.message_id))).toEqual(new Set(bodies.map((b) => String(b.data.message_id))));

    second.kill("SIGTERM");
    expect(await second.exited).toBe(0);
  });
});
