/**
 * The one behaviour suite every `EventPublisher` must pass (Hono's `common.case.test.ts` habit):
 * `memory-publisher.test.ts` runs it in-process, `pubsub-publisher.int.test.ts` against the Pub/Sub
 * emulator. A difference between the two is a bug in the fake, or a gap in this suite.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PublishError, type EventPublisher } from "../../src/publishing/event-publisher.ts";

export interface ReceivedMessage {
  readonly data: Buffer;
  readonly attributes: Readonly<Record<string, string>>;
  readonly id: string;
}

export interface PublisherHarness {
  readonly publisher: EventPublisher;
  /** What a subscriber of the topic saw, once at least `count` distinct messages arrived. */
  received(count: number): Promise<ReceivedMessage[]>;
  /** A publisher of the same kind whose topic does not exist. */
  publisherWithoutTopic(): Promise<EventPublisher>;
  dispose(): Promise<void>;
}

const attributes = {
  event_type: "message.created",
  received_at: "2025-06-18T14:05:00.000Z",
  request_id: "req-1",
  content_sha256: "0".repeat(64),
  schema: "periskope.webhook.v1",
};

async function failure(promise: Promise<unknown>): Promise<PublishError> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(outcome).toBeInstanceOf(PublishError);
  return outcome as PublishError;
}

export function describeEventPublisherConformance(name: string, createHarness: () => Promise<PublisherHarness>): void {
  describe(`EventPublisher conformance: ${name}`, () => {
    let harness: PublisherHarness;

    beforeEach(async () => {
      harness = await createHarness();
    });

    afterEach(async () => {
      await harness.dispose();
    });

    it("acknowledges with a message id and delivers the bytes and attributes unchanged", async () => {
      const data = Buffer.from('{"event_type":"message.created","data":{"body":"héllo"}}');
      const id = await harness.publisher.publish({ data, attributes });
      expect(id).toMatch(/\S/);
      const [message] = await harness.received(1);
      expect(message?.id).toBe(id);
      expect(message?.data.equals(data)).toBe(true);
      expect(message?.attributes).toEqual(attributes);
    });

    it("delivers arbitrary bytes exactly, including invalid UTF-8 and NUL", async () => {
      const data = Buffer.from([0x00, 0xff, 0xfe, 0xc3, 0x28, 0x7b, 0x0a, 0x00]);
      await harness.publisher.publish({ data, attributes: { event_type: "binary" } });
      const [message] = await harness.received(1);
      expect(message?.data.equals(data)).toBe(true);
    });

    it("acknowledges 2,500 concurrent publishes with distinct ids, and delivers exactly those", async () => {
      const count = 2_500;
      const ids = await Promise.all(
        Array.from({ length: count }, (_, n) => harness.publisher.publish({ data: Buffer.from(`{"n":${n}}`), attributes: { event_type: "load", n: String(n) } })),
      );
      expect(new Set(ids).size).toBe(count);
      const received = await harness.received(count);
      expect(new Set(received.map((m) => m.id))).toEqual(new Set(ids));
      const byId = new Map(received.map((m) => [m.id, m]));
      ids.forEach((id, n) => expect(byId.get(id)?.attributes.n).toBe(String(n)));
    });

    it("counts a publish in flight from the call until it settles", async () => {
      const publishes = Array.from({ length: 20 }, (_, n) => harness.publisher.publish({ data: Buffer.from(String(n)), attributes: { event_type: "count" } }));
      expect(harness.publisher.inFlight).toBe(20);
      await Promise.all(publishes);
      expect(harness.publisher.inFlight).toBe(0);
    });

    it("flush resolves only after every earlier publish has settled", async () => {
      const settled: number[] = [];
      const publishes = Array.from({ length: 50 }, (_, n) =>
        harness.publisher.publish({ data: Buffer.from(String(n)), attributes: { event_type: "flush" } }).then(() => settled.push(n)),
      );
      await harness.publisher.flush();
      expect(settled).toHaveLength(50);
      await Promise.all(publishes);
    });

    it("after close refuses new publishes with `closed` (not retryable), and closing twice is fine", async () => {
      const before = harness.publisher.publish({ data: Buffer.from("last"), attributes: { event_type: "close" } });
      await harness.publisher.close();
      expect(await before).toMatch(/\S/);
      const error = await failure(harness.publisher.publish({ data: Buffer.from("late"), attributes: { event_type: "close" } }));
      expect(error.code).toBe("closed");
      expect(error.retryable).toBe(false);
      await harness.publisher.close();
    });

    it("probe succeeds while the topic exists", async () => {
      await expect(harness.publisher.probe()).resolves.toBeUndefined();
    });

    it("fails publishes and probes to a missing topic with `topic_not_found`, not retryable", async () => {
      const orphan = await harness.publisherWithoutTopic();
      try {
        const error = await failure(orphan.publish({ data: Buffer.from("x"), attributes: { event_type: "orphan" } }));
        expect(error.code).toBe("topic_not_found");
        expect(error.retryable).toBe(false);
        expect((await failure(orphan.probe())).code).toBe("topic_not_found");
      } finally {
        await orphan.close();
      }
    });
  });
}
