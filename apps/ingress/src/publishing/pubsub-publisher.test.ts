import type { PubSub } from "@google-cloud/pubsub";
import { afterEach, describe, expect, it, vi } from "vitest";
import { PubSubPublisher } from "./pubsub-publisher.ts";

/** A topic that takes messages and never answers: Pub/Sub hanging (the emulator version is in publish-faults.int.test.ts). */
const hanging = { topic: () => ({ publishMessage: () => {} }) } as unknown as PubSub;
const message = { data: Buffer.from("{}"), attributes: { event_type: "hang" } };
const batching = { maxMessages: 1000, maxBytes: 1 << 20, maxMilliseconds: 1 };

describe("PubSubPublisher publish timeout", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("times out each pending publish at its own deadline, with one timer for all of them", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance"] });
    const publisher = new PubSubPublisher(hanging, { topic: "events", batching, timeoutMs: 1_000 });
    const first = publisher.publish(message).catch((error: unknown) => error);
    vi.advanceTimersByTime(400);
    const second = publisher.publish(message).catch((error: unknown) => error);
    expect(vi.getTimerCount()).toBe(1);

    vi.advanceTimersByTime(600);
    expect(await first).toMatchObject({ code: "timeout" });
    expect(publisher.inFlight).toBe(1);
    vi.advanceTimersByTime(399);
    expect(publisher.inFlight).toBe(1);
    vi.advanceTimersByTime(1);
    expect(await second).toMatchObject({ code: "timeout" });
    expect(publisher.inFlight).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });
});
