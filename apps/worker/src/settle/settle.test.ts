import { createLogger, createMetricsRegistry } from "@periskope-pipeline/observability";
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import type { DeadLetterReason, DeadLetterSink } from "../dead-letter/dead-letter-publisher.ts";
import { createWorkerMetrics } from "../metrics.ts";
import type { Delivery } from "../source/delivery.ts";
import { deadLetter, INDEXED, retry, SUPERSEDED } from "./outcome.ts";
import { settleBatch } from "./settle.ts";

function delivery(id: string) {
  const calls: string[] = [];
  const d: Delivery = { id, data: Buffer.from("{}"), attributes: {}, deliveryAttempt: 1, publishTime: 0, ack: () => calls.push("ack"), nack: () => calls.push("nack") };
  return { d, calls };
}

const silent = createLogger({ service: "test", level: "silent", destination: new Writable({ write: (_c, _e, cb) => cb() }) });

function deadLetters(fail = false) {
  const published: Array<{ id: string; reason: DeadLetterReason }> = [];
  const sink: DeadLetterSink = {
    async publish(d, reason) {
      if (fail) throw new Error("pubsub down");
      published.push({ id: d.id, reason });
    },
    async close() {},
  };
  return { sink, published };
}

describe("settleBatch", () => {
  it("acks indexed and superseded, nacks retries, dead-letters then acks poison", async () => {
    const [a, b, c, e] = [delivery("a"), delivery("b"), delivery("c"), delivery("e")];
    const dl = deadLetters();
    const metrics = createWorkerMetrics(createMetricsRegistry("t", { defaultMetrics: false }));
    const counts = await settleBatch(
      [
        { delivery: a.d, outcome: INDEXED, receivedAt: Date.now() - 1_000 },
        { delivery: b.d, outcome: SUPERSEDED },
        { delivery: c.d, outcome: retry("index", "es_rejected_execution_exception") },
        { delivery: e.d, outcome: deadLetter("decode", "invalid_json", "body is not valid JSON") },
      ],
      { deadLetters: dl.sink, log: silent, metrics },
    );
    expect([a.calls, b.calls, c.calls, e.calls]).toEqual([["ack"], ["ack"], ["nack"], ["ack"]]);
    expect(dl.published).toEqual([{ id: "e", reason: { kind: "dead-letter", stage: "decode", errorKind: "invalid_json", errorMessage: "body is not valid JSON" } }]);
    expect(counts).toEqual({ indexed: 1, superseded: 1, deadLettered: 1, nacked: 1 });
    const text = await metrics.messages.get();
    expect(text.values.find((v) => v.labels.outcome === "dead_lettered")?.value).toBe(1);
    expect((await metrics.endToEndLag.get()).values.find((v) => v.metricName?.endsWith("_count"))?.value).toBe(1);
  });

  it("nacks instead of acking when the dead-letter publish fails, so nothing is lost", async () => {
    const x = delivery("x");
    const counts = await settleBatch([{ delivery: x.d, outcome: deadLetter("index", "mapper_parsing_exception", "bad") }], { deadLetters: deadLetters(true).sink, log: silent });
    expect(x.calls).toEqual(["nack"]);
    expect(counts.nacked).toBe(1);
  });
});
