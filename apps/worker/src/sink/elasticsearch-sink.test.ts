import { createElasticsearchPolicy, type ElasticsearchClient } from "@periskope-pipeline/elasticsearch";
import { describe, expect, it, vi } from "vitest";
import { serializeOperation, type SerializedOperation } from "../stages/serialize-operation.ts";
import { ElasticsearchSink } from "./elasticsearch-sink.ts";

/** Polls a condition (fake clusters and timers answer within milliseconds). */
const WAIT = { timeout: 5_000, interval: 5 };

type Item = { index: { status: number; error?: { type: string; reason: string } } };

const op = (id: string): SerializedOperation => serializeOperation({ action: { index: { _index: "m", _id: id } }, document: { id } });
const ok: Item = { index: { status: 201 } };
const conflict: Item = { index: { status: 409, error: { type: "version_conflict_engine_exception", reason: "newer" } } };
const rejected: Item = { index: { status: 400, error: { type: "document_parsing_exception", reason: "failed to parse field [ack]" } } };
const unreachable = () => Object.assign(new Error("connect ECONNREFUSED"), { name: "ConnectionError" });

/** A cluster that is up or down as the test says, counting bulk requests. */
function fakeEs(answer: (ids: string[]) => Item[] | Error = (ids) => ids.map(() => ok)) {
  let up = true;
  const requests: string[][] = [];
  const es = {
    async bulk({ operations }: { operations: Buffer }) {
      const ids = operations.toString("utf8").split("\n").filter(Boolean).filter((_, i) => i % 2 === 0).map((l) => (JSON.parse(l) as { index: { _id: string } }).index._id);
      requests.push(ids);
      if (!up) throw unreachable();
      const items = answer(ids);
      if (items instanceof Error) throw items;
      return { items };
    },
    cluster: {
      async health() {
        if (!up) throw unreachable();
        return { status: "green" };
      },
    },
  } as unknown as ElasticsearchClient;
  return { es, requests, setUp: (value: boolean) => (up = value) };
}

const policyFor = (es: ElasticsearchClient) =>
  createElasticsearchPolicy(es, { retryBudgetMs: 50, breakerFailures: 3, probeIntervalMs: 20, baseDelayMs: 1, maxDelayMs: 5 });


describe("ElasticsearchSink", () => {
  it("turns each bulk item into its message's outcome", async () => {
    const { es } = fakeEs(() => [ok, conflict, rejected]);
    const outcomes = await new ElasticsearchSink({ es, policy: policyFor(es) }).write([op("a"), op("b"), op("c")]);
    expect(outcomes).toEqual([
      { kind: "indexed" },
      { kind: "superseded" },
      { kind: "dead-letter", stage: "index", errorKind: "document_parsing_exception", errorMessage: "failed to parse field [ack]" },
    ]);
  });

  it("holds the batch while Elasticsearch is unavailable past the budget, and writes it when the breaker closes", async () => {
    const { es, requests, setUp } = fakeEs();
    const policy = policyFor(es);
    const holds: string[] = [];
    setUp(false);
    const writing = new ElasticsearchSink({ es, policy, onHold: (code) => holds.push(code) }).write([op("a"), op("b")]);
    await vi.waitFor(() => expect(policy.state !== "closed" && holds.length > 0).toBe(true), WAIT);
    const sentWhileDown = requests.length;
    setUp(true);
    expect(await writing).toEqual([{ kind: "indexed" }, { kind: "indexed" }]);
    // Held, not resent in a loop: the breaker refused the calls until the probe found the cluster.
    expect(requests.length).toBe(sentWhileDown + 1);
    policy.close();
  });

  it("gives the batch back for redelivery when shutdown stops the wait", async () => {
    const { es, setUp } = fakeEs();
    const policy = policyFor(es);
    const stop = new AbortController();
    setUp(false);
    const writing = new ElasticsearchSink({ es, policy, signal: stop.signal }).write([op("a")]);
    await vi.waitFor(() => expect(policy.state).not.toBe("closed"), WAIT);
    stop.abort();
    const [outcome] = await writing;
    expect(outcome).toMatchObject({ kind: "retry", stage: "index" });
    policy.close();
  });

  it("gives a refused request back without resending it", async () => {
    const { es, requests } = fakeEs(() => Object.assign(new Error("too large"), { name: "ResponseError", meta: { statusCode: 413 } }));
    const outcomes = await new ElasticsearchSink({ es, policy: policyFor(es) }).write([op("a")]);
    expect(outcomes).toEqual([{ kind: "retry", stage: "index", code: "http_413" }]);
    expect(requests).toHaveLength(1);
  });
});
