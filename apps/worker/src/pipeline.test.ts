import { createLogger } from "@periskope-pipeline/observability";
import { messageCreated, toRawBody } from "@periskope-pipeline/testkit";
import { Writable } from "node:stream";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createPipeline } from "./pipeline.ts";
import { INDEXED, type Outcome } from "./settle/outcome.ts";
import type { Delivery } from "./source/delivery.ts";
import type { Source } from "./source/pubsub-source.ts";
import type { SerializedOperation } from "./stages/serialize-operation.ts";

const silent = createLogger({ service: "test", level: "silent", destination: new Writable({ write: (_c, _e, cb) => cb() }) });

function delivery(index: number, acked: string[]): Delivery {
  const body = toRawBody(messageCreated({ seed: "pipeline", index, chatId: "120363000000000001@g.us", orgPhone: "447700900123@c.us" }));
  const id = `m${index}`;
  return { id, data: Buffer.from(body), attributes: {}, deliveryAttempt: 1, publishTime: Date.now(), ack: () => acked.push(id), nack: () => undefined };
}

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    // setImmediate: the tests fake setTimeout, which drives the batcher's waits.
    await new Promise((r) => setImmediate(r));
  }
}

/** Lets every pending promise chain run (no timer fires: they are faked). */
async function drain(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
}

describe("createPipeline", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("holds a partial batch while a bulk request is out, sends what arrived meanwhile as one bulk, and holds at most one more wait", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    let emit: (d: Delivery) => void = () => undefined;
    const source: Source = {
      start: (onDelivery) => void (emit = onDelivery),
      stop: async () => undefined,
      buffered: () => undefined,
      pause: () => undefined,
      resume: () => undefined,
      isOpen: true,
    };
    const bulks: number[] = [];
    const release: Array<() => void> = [];
    const sink = {
      write: (operations: readonly SerializedOperation[]) =>
        new Promise<Outcome[]>((resolve) => {
          bulks.push(operations.length);
          release.push(() => resolve(operations.map(() => INDEXED)));
        }),
    };
    const acked: string[] = [];
    const pipeline = createPipeline({
      source,
      sink,
      deadLetters: { publish: async () => undefined, close: async () => undefined },
      chatNames: { resolve: async () => new Map(), learn: async () => new Set(), indexedUnresolved: () => undefined, renamedSince: async () => new Set() },
      indices: { messages: "messages", events: "events" },
      log: silent,
      batching: { maxMessages: 1_000, maxBytes: 1e7, maxWaitMs: 100, maxBatchesInFlight: 3 },
    });
    pipeline.start();

    emit(delivery(0, acked));
    vi.advanceTimersByTime(100);
    await until(() => bulks.length === 1);
    // Due while the first bulk is out, with slots free: held, and filling.
    for (let i = 1; i <= 5; i++) emit(delivery(i, acked));
    vi.advanceTimersByTime(150);
    await drain();
    expect(bulks).toEqual([1]);

    release.shift()!();
    await until(() => bulks.length === 2);
    expect(bulks).toEqual([1, 5]);

    // Held while the second bulk is out, but only for one more wait.
    emit(delivery(6, acked));
    vi.advanceTimersByTime(100);
    await drain();
    expect(bulks).toEqual([1, 5]);
    vi.advanceTimersByTime(100);
    await until(() => bulks.length === 3);
    expect(bulks).toEqual([1, 5, 1]);

    for (const done of release.splice(0)) done();
    await until(() => acked.length === 7);
    await pipeline.stop();
  });
});
