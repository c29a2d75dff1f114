import { describe, expect, it } from "vitest";
import { PublishError } from "./event-publisher.ts";
import { describeEventPublisherConformance } from "../../test/support/publisher-conformance.ts";
import { MemoryPublisher } from "../../test/support/memory-publisher.ts";

describeEventPublisherConformance("in-memory", async () => {
  const publisher = new MemoryPublisher();
  return {
    publisher,
    received: async (count) => {
      if (publisher.messages.length < count) throw new Error(`only ${publisher.messages.length} of ${count} messages arrived`);
      return publisher.messages.map(({ id, data, attributes }) => ({ id, data, attributes }));
    },
    publisherWithoutTopic: async () => new MemoryPublisher({ topicExists: false }),
    dispose: () => publisher.close(),
  };
});

describe("MemoryPublisher fault knobs", () => {
  it("fails publishes with the chosen code until reset", async () => {
    const topic = new MemoryPublisher();
    topic.failWith("unavailable");
    const error = await topic.publish({ data: Buffer.from("x"), attributes: {} }).catch((e: unknown) => e);
    expect((error as PublishError).code).toBe("unavailable");
    expect((error as PublishError).retryable).toBe(true);
    topic.failWith(null);
    await expect(topic.publish({ data: Buffer.from("y"), attributes: {} })).resolves.toBe("1");
    expect(topic.messages.map((m) => m.data.toString())).toEqual(["y"]);
  });

  it("keeps publishes in flight while held", async () => {
    const topic = new MemoryPublisher();
    topic.hold();
    const pending = topic.publish({ data: Buffer.from("x"), attributes: {} });
    await new Promise((r) => setTimeout(r, 5));
    expect(topic.inFlight).toBe(1);
    expect(topic.messages).toHaveLength(0);
    topic.release();
    await pending;
    expect(topic.inFlight).toBe(0);
    expect(topic.messages).toHaveLength(1);
  });
});

it("PublishError exposes code and retryable", () => {
  expect(new PublishError("permission_denied", "no").retryable).toBe(false);
  expect(new PublishError("overloaded", "slow down").retryable).toBe(true);
});
