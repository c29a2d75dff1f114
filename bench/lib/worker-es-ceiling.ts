/**
 * Ceiling (1) of the worker benchmark: the same enriched documents the worker writes (built by the
 * worker's own decode, build and serialize stages, names already known), bulk-indexed straight
 * from memory with external_gte versions, as the worker's sink sends them (same response filter),
 * at the best batch size × concurrency found on a sample. Nothing else runs meanwhile: this is what
 * Elasticsearch on this machine can absorb.
 */
import { BULK_RESPONSE_FILTER, type ElasticsearchClient } from "@periskope-pipeline/elasticsearch";
import pLimit from "p-limit";
import type { ChatNameResolution } from "../../apps/worker/src/chat-names/index.ts";
import { buildDocument } from "../../apps/worker/src/stages/build-documents.ts";
import { decode } from "../../apps/worker/src/stages/decode.ts";
import { bulkBody, serializeOperation, type SerializedOperation } from "../../apps/worker/src/stages/serialize-operation.ts";

export interface BulkShape {
  readonly batch: number;
  readonly concurrency: number;
}

export interface CeilingTrial extends BulkShape {
  readonly docs: number;
  readonly wall_ms: number;
  readonly docs_per_s: number;
}

/** One NDJSON action+document pair per body, as the worker's sink would send it. */
export function enrichedOperations(bodies: readonly string[], names: ReadonlyMap<string, ChatNameResolution>, index: string): SerializedOperation[] {
  const indexedAt = new Date().toISOString();
  const receivedAt = new Date().toISOString();
  return bodies.map((body, i) => {
    const decoded = decode({ id: String(i), data: Buffer.from(body), attributes: { received_at: receivedAt }, deliveryAttempt: 1, publishTime: Date.now(), ack() {}, nack() {} });
    if (!decoded.ok) throw new Error("bench body does not decode");
    const built = buildDocument(decoded.event, names, { messages: index, events: `${index}-events` }, indexedAt);
    if (!built.ok) throw new Error("bench body does not build");
    return serializeOperation(built.built.operation);
  });
}

/** Indexes `lines` into `index` with the given shape; returns the wall time. Throws on any item error. */
export async function bulkFromMemory(es: ElasticsearchClient, lines: readonly SerializedOperation[], shape: BulkShape): Promise<number> {
  const limit = pLimit(shape.concurrency);
  const started = performance.now();
  const requests: Promise<void>[] = [];
  for (let start = 0; start < lines.length; start += shape.batch) {
    const slice = lines.slice(start, start + shape.batch);
    const body = bulkBody(slice);
    requests.push(
      limit(async () => {
        // Pre-serialized NDJSON bytes are sent as they are by the transport.
        const response = await es.bulk({ operations: body as never, filter_path: BULK_RESPONSE_FILTER });
        // The filtered response has no `errors` flag: every item must be there and written.
        const items = response.items ?? [];
        const failed = items.find((i) => (i.index?.status ?? 0) >= 300);
        if (failed || items.length !== slice.length) throw new Error(`bulk: ${items.length} of ${slice.length} items answered, first error ${JSON.stringify(failed?.index?.error)}`);
      }),
    );
  }
  await Promise.all(requests);
  return performance.now() - started;
}

/** Tries each shape on a fresh index with `sampleLines`, best first. */
export async function findBestShape(
  es: ElasticsearchClient,
  sampleLines: (index: string) => SerializedOperation[],
  shapes: readonly BulkShape[],
  freshIndex: (label: string) => Promise<string>,
): Promise<CeilingTrial[]> {
  const trials: CeilingTrial[] = [];
  for (const shape of shapes) {
    const index = await freshIndex(`trial-${shape.batch}x${shape.concurrency}`);
    const lines = sampleLines(index);
    const wall = await bulkFromMemory(es, lines, shape);
    trials.push({ ...shape, docs: lines.length, wall_ms: Math.round(wall), docs_per_s: Math.round(lines.length / (wall / 1000)) });
  }
  return trials.sort((a, b) => b.docs_per_s - a.docs_per_s);
}

export interface WarmUp {
  readonly rounds: number;
  readonly docs: number;
  /** JIT compiler CPU seconds per 1k documents in each round: what settling looks like. */
  readonly jit_cpu_s_per_1k_docs: number[];
}

/**
 * A freshly started Elasticsearch keeps JIT-compiling its indexing path for hundreds of thousands
 * of documents (measured here: compiler threads at a third of its CPU during the pipeline after a
 * 20k-document warm-up), which a long-running cluster never pays. Indexes the sample into a scratch
 * index, round after round, until a round's compile CPU falls under `settledPer1k`.
 */
export async function warmUpUntilJitSettles(
  es: ElasticsearchClient,
  sampleLines: (index: string) => SerializedOperation[],
  scratchIndex: (round: number) => Promise<string>,
  jitSecondsNow: () => number,
  options: { readonly settledPer1k: number; readonly maxRounds: number; readonly shape: BulkShape },
): Promise<WarmUp> {
  const perRound: number[] = [];
  let docs = 0;
  for (let round = 1; round <= options.maxRounds; round++) {
    const index = await scratchIndex(round);
    const lines = sampleLines(index);
    const before = jitSecondsNow();
    await bulkFromMemory(es, lines, options.shape);
    const per1k = Math.round(((jitSecondsNow() - before) / lines.length) * 1000 * 1000) / 1000;
    await es.indices.delete({ index });
    perRound.push(per1k);
    docs += lines.length;
    if (per1k < options.settledPer1k) break;
  }
  return { rounds: perRound.length, docs, jit_cpu_s_per_1k_docs: perRound };
}
