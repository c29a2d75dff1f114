import { describe, expect, it } from "vitest";
import { BULK_RESPONSE_FILTER, bulkWrite, type BulkWriteOperation } from "./bulk-write.ts";
import { createElasticsearchPolicy } from "./resilience.ts";

type Item = { index: { status: number; error?: { type: string; reason: string } } };

const op = (id: string): BulkWriteOperation => ({ action: { index: { _index: "m", _id: id } }, document: { id } });
const ok: Item = { index: { status: 201 } };
const conflict: Item = { index: { status: 409, error: { type: "version_conflict_engine_exception", reason: "newer" } } };
const rejected: Item = { index: { status: 400, error: { type: "document_parsing_exception", reason: "failed to parse field [ack]" } } };
const busy: Item = { index: { status: 429, error: { type: "es_rejected_execution_exception", reason: "queue full" } } };
const unreachable = () => Object.assign(new Error("connect ECONNREFUSED"), { name: "ConnectionError" });

/** A bulk endpoint that answers from a script, one entry per request, and records what it got. */
function fakeEs(script: Array<(ids: string[]) => Item[] | Error>) {
  const requests: string[][] = [];
  const filters: unknown[] = [];
  const es = {
    async bulk({ operations, filter_path }: { operations: Buffer; filter_path?: unknown }) {
      const lines = operations.toString("utf8").split("\n").filter(Boolean);
      const ids = lines.filter((_, i) => i % 2 === 0).map((line) => (JSON.parse(line) as { index: { _id: string } }).index._id);
      requests.push(ids);
      filters.push(filter_path);
      const answer = script[Math.min(requests.length - 1, script.length - 1)]!(ids);
      if (answer instanceof Error) throw answer;
      return { items: answer };
    },
    cluster: { health: async () => ({ status: "green" }) },
  };
  return { es: es as never, requests, filters };
}

const policy = (es: never, retryBudgetMs = 2_000, breakerFailures = 1_000) =>
  createElasticsearchPolicy(es, { retryBudgetMs, breakerFailures, probeIntervalMs: 60_000, baseDelayMs: 1, maxDelayMs: 5 });

describe("bulkWrite", () => {
  it("answers one outcome per operation, in order", async () => {
    const { es } = fakeEs([() => [ok, conflict, rejected]]);
    expect(await bulkWrite(es, [op("a"), op("b"), op("c")], { policy: policy(es) })).toEqual([
      { kind: "ok" },
      { kind: "superseded" },
      { kind: "rejected", status: 400, errorType: "document_parsing_exception", reason: "failed to parse field [ack]" },
    ]);
  });

  it("asks Elasticsearch for each item's status and error only, and sends bytes as they are", async () => {
    const { es, filters, requests } = fakeEs([() => [ok, ok]]);
    const bytes = Buffer.from(`${JSON.stringify({ index: { _index: "m", _id: "raw" } })}\n{}\n`);
    await bulkWrite(es, [bytes, op("obj")], { policy: policy(es) });
    expect(filters).toEqual([BULK_RESPONSE_FILTER]);
    expect(requests).toEqual([["raw", "obj"]]);
  });

  it("resends only the items that failed retryably, and those a response skipped", async () => {
    const { es, requests } = fakeEs([() => [ok, busy], (ids) => ids.map(() => ok)]);
    const outcomes = await bulkWrite(es, [op("a"), op("b"), op("c")], { policy: policy(es) });
    expect(requests).toEqual([["a", "b", "c"], ["b", "c"]]);
    expect(outcomes.every((o) => o.kind === "ok")).toBe(true);
  });

  it("waits out an unreachable cluster within the budget", async () => {
    const { es, requests } = fakeEs([unreachable, unreachable, (ids) => ids.map(() => ok)]);
    const outcomes = await bulkWrite(es, [op("a"), op("b")], { policy: policy(es) });
    expect(requests).toHaveLength(3);
    expect(outcomes).toEqual([{ kind: "ok" }, { kind: "ok" }]);
  });

  it("answers retry for what is still retryable after the budget, keeping what was settled", async () => {
    const { es, requests } = fakeEs([() => [ok, busy], () => [busy]]);
    const outcomes = await bulkWrite(es, [op("a"), op("b")], { policy: policy(es, 100) });
    expect(outcomes).toEqual([{ kind: "ok" }, { kind: "retry", code: "es_rejected_execution_exception" }]);
    expect(requests.length).toBeGreaterThan(1);
    expect(requests.length).toBeLessThan(200);
  });

  it("answers retry at once, sending nothing, while the breaker is open", async () => {
    const { es, requests } = fakeEs([unreachable]);
    const shared = policy(es, 0, 1);
    expect((await bulkWrite(es, [op("a")], { policy: shared }))[0]?.kind).toBe("retry");
    expect(await bulkWrite(es, [op("b")], { policy: shared })).toEqual([{ kind: "retry", code: "circuit_open" }]);
    expect(requests).toHaveLength(1);
    shared.close();
  });

  it("throws a request refused for good, without resending it", async () => {
    const { es, requests } = fakeEs([() => Object.assign(new Error("too large"), { name: "ResponseError", meta: { statusCode: 413 } })]);
    await expect(bulkWrite(es, [op("a")], { policy: policy(es) })).rejects.toThrow("too large");
    expect(requests).toHaveLength(1);
  });
});
