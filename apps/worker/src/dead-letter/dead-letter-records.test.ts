import type { ElasticsearchClient } from "@periskope-pipeline/elasticsearch";
import type { Logger } from "@periskope-pipeline/observability";
import { describe, expect, it } from "vitest";
import type { Delivery } from "../source/delivery.ts";
import type { DeadLetterSink } from "./dead-letter-publisher.ts";
import { DEAD_LETTER_EVENT_TYPE, deadLetterRecord, withDeadLetterRecords } from "./dead-letter-records.ts";

function delivery(id: string, attributes: Record<string, string> = {}): Delivery {
  return { id, data: Buffer.from(`not json ${id}`), attributes, deliveryAttempt: 2, publishTime: 0, ack() {}, nack() {} };
}
const reason = { errorKind: "invalid_json", errorMessage: "body is not valid JSON", stage: "decode" };

/** Records bulk calls (their NDJSON lines, parsed); answers as told. */
function fakeEs(answer: (operations: unknown[]) => Promise<unknown>) {
  const calls: unknown[][] = [];
  const es = {
    bulk: (request: { operations: Buffer }) => {
      const lines = request.operations.toString("utf8").split("\n").filter(Boolean).map((line) => JSON.parse(line) as unknown);
      calls.push(lines);
      return answer(lines);
    },
  } as unknown as ElasticsearchClient;
  return { es, calls };
}
function fakeLog() {
  const errors: Record<string, unknown>[] = [];
  const log = { error: (fields: Record<string, unknown>) => errors.push(fields) } as unknown as Logger;
  return { log, errors };
}
function fakeSink(fail = false) {
  const published: string[] = [];
  const sink: DeadLetterSink = {
    publish: async (d) => {
      if (fail) throw new Error("topic unavailable");
      published.push(d.id);
    },
    close: async () => {},
  };
  return { sink, published };
}
const ok = async (operations: unknown[]) => ({ items: operations.filter((_, i) => i % 2 === 0).map(() => ({ index: { status: 201 } })) });
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe("deadLetterRecord", () => {
  it("is an events-index document with the reason under dead_letter and a stable id", () => {
    const now = new Date("2026-01-02T03:04:05.000Z");
    const { id, document } = deadLetterRecord(delivery("m-1", { received_at: "2026-01-02T03:04:00.000Z", content_sha256: "abc", event_type: "message.created" }), reason, now);
    expect(id).toBe("dead-letter-m-1");
    expect(document).toEqual({
      event_type: DEAD_LETTER_EVENT_TYPE,
      event_id: "m-1",
      content_sha256: "abc",
      "@timestamp": now.toISOString(),
      indexed_at: now.toISOString(),
      received_at: "2026-01-02T03:04:00.000Z",
      dead_letter: {
        error_kind: "invalid_json",
        stage: "decode",
        error_message: "body is not valid JSON",
        original_message_id: "m-1",
        delivery_attempt: 2,
        event_type: "message.created",
        body_preview: "not json m-1",
      },
    });
  });

  it("hashes the body when the attributes carry no digest, and drops a received_at that is not a time", () => {
    const { document } = deadLetterRecord(delivery("m-2", { received_at: "yesterday" }), reason, new Date());
    expect(document.content_sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(document).not.toHaveProperty("received_at");
  });
});

describe("withDeadLetterRecords", () => {
  it("writes one bulk request for a burst of dead letters, after the topic accepted them", async () => {
    const { es, calls } = fakeEs(ok);
    const { sink, published } = fakeSink();
    const sinkWithRecords = withDeadLetterRecords(sink, { es, index: "events", log: fakeLog().log });
    await Promise.all(["a", "b", "c"].map((id) => sinkWithRecords.publish(delivery(id), reason)));
    expect(published).toEqual(["a", "b", "c"]);
    await settle();
    expect(calls).toHaveLength(1);
    expect(calls[0]?.filter((_, i) => i % 2 === 0)).toEqual(["a", "b", "c"].map((id) => ({ index: { _index: "events", _id: `dead-letter-${id}` } })));
  });

  it("writes no record when the topic refused the message, and the refusal reaches the caller", async () => {
    const { es, calls } = fakeEs(ok);
    const sinkWithRecords = withDeadLetterRecords(fakeSink(true).sink, { es, index: "events", log: fakeLog().log });
    await expect(sinkWithRecords.publish(delivery("a"), reason)).rejects.toThrow("topic unavailable");
    await sinkWithRecords.close();
    expect(calls).toHaveLength(0);
  });

  it("logs records Elasticsearch refused or could not take, without failing the dead letter", async () => {
    let attempt = 0;
    const { es } = fakeEs(async () => {
      attempt++;
      if (attempt === 1) return { errors: true, items: [{ index: { status: 400, error: { type: "mapper_parsing_exception", reason: "bad" } } }] };
      throw new Error("connect ECONNREFUSED");
    });
    const { log, errors } = fakeLog();
    const sinkWithRecords = withDeadLetterRecords(fakeSink().sink, { es, index: "events", log });
    await sinkWithRecords.publish(delivery("a"), reason);
    await settle();
    await sinkWithRecords.publish(delivery("b"), reason);
    await sinkWithRecords.close();
    expect(errors.map((e) => [e.event, e.code, e.count])).toEqual([
      ["DeadLetterRecordFailed", "mapper_parsing_exception", 1],
      ["DeadLetterRecordFailed", "unavailable", 1],
    ]);
  });

  it("close writes what is still gathered", async () => {
    const { es, calls } = fakeEs(ok);
    const sinkWithRecords = withDeadLetterRecords(fakeSink().sink, { es, index: "events", log: fakeLog().log });
    await sinkWithRecords.publish(delivery("a"), reason);
    await sinkWithRecords.close();
    expect(calls).toHaveLength(1);
  });
});
