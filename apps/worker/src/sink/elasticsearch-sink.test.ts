import type { ElasticsearchClient } from "@periskope-pipeline/elasticsearch";
import { describe, expect, it } from "vitest";
import { serializeOperation, type SerializedOperation } from "../stages/serialize-operation.ts";
import { BULK_RESPONSE_FILTER, ElasticsearchSink } from "./elasticsearch-sink.ts";

type Item = { index: { status: number; error?: { type: string; reason: string } } };

const op = (id: string): SerializedOperation => serializeOperation({ action: { index: { _index: "m", _id: id } }, document: { id } });
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
      // The body is NDJSON bytes: every other line is an action naming its document.
      const lines = operations.toString("utf8").split("\n").filter(Boolean);
      const ids = lines.filter((_, i) => i % 2 === 0).map((line) => (JSON.parse(line) as { index: { _id: string } }).index._id);
      requests.push(ids);
      filters.push(filter_path);
      const step = script[Math.min(requests.length - 1, script.length - 1)]!;
      const answer = step(ids);
      if (answer instanceof Error) throw answer;
      return { errors: answer.some((i) => i.index.status >= 300), items: answer };
    },
  } as unknown as ElasticsearchClient;
  return { es, requests, filters };
}

const sink = (es: ElasticsearchClient, retryBudgetMs = 2_000) => new ElasticsearchSink({ es, retryBudgetMs, baseDelayMs: 1, maxDelayMs: 5 });

describe("ElasticsearchSink", () => {
  it("turns each bulk item into its message's outcome", async () => {
    const { es } = fakeEs([() => [ok, conflict, rejected]]);
    const outcomes = await sink(es).write([op("a"), op("b"), op("c")]);
    expect(outcomes).toEqual([
      { kind: "indexed" },
      { kind: "superseded" },
      { kind: "dead-letter", stage: "index", errorKind: "document_parsing_exception", errorMessage: "failed to parse field [ack]" },
    ]);
  });

  it("asks Elasticsearch for each item's status and error only", async () => {
    const { es, filters } = fakeEs([() => [ok]]);
    await sink(es).write([op("a")]);
    expect(filters).toEqual([BULK_RESPONSE_FILTER]);
  });

  it("resends a response's missing items as retryable", async () => {
    const { es, requests } = fakeEs([() => [ok], (ids) => ids.map(() => ok)]);
    const outcomes = await sink(es).write([op("a"), op("b")]);
    expect(requests).toEqual([["a", "b"], ["b"]]);
    expect(outcomes).toEqual([{ kind: "indexed" }, { kind: "indexed" }]);
  });

  it("resends only the items that failed transiently", async () => {
    const { es, requests } = fakeEs([() => [ok, busy, ok], () => [ok]]);
    const outcomes = await sink(es).write([op("a"), op("b"), op("c")]);
    expect(requests).toEqual([["a", "b", "c"], ["b"]]);
    expect(outcomes.every((o) => o.kind === "indexed")).toBe(true);
  });

  it("waits out an unreachable cluster within the budget", async () => {
    const { es, requests } = fakeEs([unreachable, unreachable, (ids) => ids.map(() => ok)]);
    const outcomes = await sink(es).write([op("a"), op("b")]);
    expect(requests).toHaveLength(3);
    expect(outcomes).toEqual([{ kind: "indexed" }, { kind: "indexed" }]);
  });

  it("gives the batch back for redelivery when the cluster stays down past the budget", async () => {
    const { es, requests } = fakeEs([unreachable]);
    const started = Date.now();
    const outcomes = await sink(es, 100).write([op("a"), op("b")]);
    expect(outcomes).toEqual([
      { kind: "retry", stage: "index", code: "ConnectionError" },
      { kind: "retry", stage: "index", code: "ConnectionError" },
    ]);
    expect(requests.length).toBeGreaterThan(1);
    expect(requests.length).toBeLessThan(60);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it("gives a refused request back without resending it", async () => {
    const { es, requests } = fakeEs([() => Object.assign(new Error("too large"), { name: "ResponseError", meta: { statusCode: 413 } })]);
    const outcomes = await sink(es).write([op("a")]);
    expect(outcomes).toEqual([{ kind: "retry", stage: "index", code: "http_413" }]);
    expect(requests).toHaveLength(1);
  });
});
