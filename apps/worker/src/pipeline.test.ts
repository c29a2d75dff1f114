import { createLogger } from "@periskope-pipeline/observability";
import { messageCreated, toRawBody } from "@periskope-pipeline/testkit";
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
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
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe("createPipeline", () => {
  it("holds a partial batch while a bulk request is out, and sends what arrived meanwhile as one bulk", async () => {
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
      batching: { maxMessages: 1_000, maxBytes: 1e7, maxWaitMs: 5, maxBatchesInFlight: 3 },
    });
    pipeline.start();

    emit(delivery(0, acked));
    await until(() => bulks.length === 1);
    // Due many times over while the first bulk is out, with slots free: still held.
    for (let i = 1; i <= 5; i++) {
      emit(delivery(i, acked));
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(bulks).toEqual([1]);

    release.shift()!();
    await until(() => bulks.length === 2);
    expect(bulks).toEqual([1, 5]);
    release.shift()!();
    await until(() => acked.length === 6);
    await pipeline.stop();
  });
});
