import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { createPubSub } from "./client.ts";
import { deleteTopology, ensureTopology, type TopologyNames } from "./topology.ts";

const pubsub = createPubSub({ projectId: `topology-${randomUUID().slice(0, 8)}`, emulatorHost: process.env.PUBSUB_EMULATOR_HOST ?? "127.0.0.1:8085" });
const names: TopologyNames = {
  eventsTopic: "events",
  eventsSubscription: "events-worker",
  commandsTopic: "commands",
  commandsSubscription: "commands-worker",
  deadLetterTopic: "events-dead",
  deadLetterSubscription: "events-dead-replay",
  deadLetterRecordsSubscription: "events-dead-records",
};

afterAll(async () => {
  await deleteTopology(pubsub, names);
  await pubsub.close();
});

describe("ensureTopology against the emulator", () => {
  it("creates topics and subscriptions with retry and dead-letter policy, and is idempotent", async () => {
    await ensureTopology(pubsub, names);
    await ensureTopology(pubsub, names);

    const [topics] = await pubsub.getTopics();
    expect(topics.map((t) => t.name.split("/").pop()).sort()).toEqual(["commands", "events", "events-dead"]);

    const [meta] = await pubsub.subscription(names.eventsSubscription).getMetadata();
    expect(meta.topic).toBe(pubsub.topic(names.eventsTopic).name);
    expect(meta.ackDeadlineSeconds).toBe(60);
    expect(Number(meta.retryPolicy?.minimumBackoff?.seconds)).toBe(10);
    expect(Number(meta.retryPolicy?.maximumBackoff?.seconds)).toBe(600);
    expect(meta.deadLetterPolicy?.deadLetterTopic).toBe(pubsub.topic(names.deadLetterTopic).name);
    expect(meta.deadLetterPolicy?.maxDeliveryAttempts).toBe(10);

    const [dead] = await pubsub.subscription(names.deadLetterSubscription).getMetadata();
    expect(dead.topic).toBe(pubsub.topic(names.deadLetterTopic).name);
    expect(dead.retryPolicy ?? null, "dead letters handed back by a dry run are visible at once").toBeNull();
    // 31 days in the spec (checked against Terraform); the emulator accepts at most 7.
    expect(Number(dead.messageRetentionDuration?.seconds)).toBe(604_800);

    const [records] = await pubsub.subscription(names.deadLetterRecordsSubscription).getMetadata();
    expect(records.topic).toBe(pubsub.topic(names.deadLetterTopic).name);
  });

  it("delivers what is published on the events topic to the worker subscription", async () => {
    await ensureTopology(pubsub, names);
    const id = await pubsub.topic(names.eventsTopic).publishMessage({ data: Buffer.from("hello"), attributes: { event_type: "x" } });
    const sub = pubsub.subscription(names.eventsSubscription);
    const received = await new Promise<{ id: string; data: string }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("no message within 10 s")), 10_000);
      sub.on("message", (m) => {
        m.ack();
        clearTimeout(timer);
        resolve({ id: m.id, data: m.data.toString() });
      });
    });
    await sub.close();
    expect(received).toEqual({ id, data: "hello" });
  });
});
