/**
 * Ceiling (1) of the worker benchmark: the same enriched documents the worker writes (built by the
 * worker's own decode and build stages, names already known), bulk-indexed straight from memory
 * with external_gte versions, pre-serialized, at the best batch size × concurrency found on a
 * sample. Nothing else runs meanwhile: this is what Elasticsearch on this machine can absorb.
 */
import type { ElasticsearchClient } from "@periskope-pipeline/elasticsearch";
import pLimit from "p-limit";
import type { ChatNameResolution } from "../../apps/worker/src/chat-names/index.ts";
import { buildDocument } from "../../apps/worker/src/stages/build-documents.ts";
import { decode } from "../../apps/worker/src/stages/decode.ts";

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
export function enrichedOperations(bodies: readonly string[], names: ReadonlyMap<string, ChatNameResolution>, index: string): string[] {
  const indexedAt = new Date().toISOString();
  const receivedAt = new Date().toISOString();
  return bodies.map((body, i) => {
    const decoded = decode({ id: String(i), data: Buffer.from(body), attributes: { received_at: receivedAt }, deliveryAttempt: 1, publishTime: Date.now(), ack() {}, nack() {} });
    if (!decoded.ok) throw new Error("bench body does not decode");
    const built = buildDocument(decoded.event, names, { messages: index, events: `${index}-events` }, indexedAt);
    if (!built.ok) throw new Error("bench body does not build");
    return `${JSON.stringify(built.built.operation.action)}\n${JSON.stringify(built.built.operation.document)}\n`;
  });
}

/** Indexes `lines` into `index` with the given shape; returns the wall time. Throws on any item error. */
export async function bulkFromMemory(es: ElasticsearchClient, lines: readonly string[], shape: BulkShape): Promise<number> {
  const limit = pLimit(shape.concurrency);
  const started = performance.now();
  const requests: Promise<void>[] = [];
  for (let start = 0; start < lines.length; start += shape.batch) {
    const body = lines.slice(start, start + shape.batch).join("");
    requests.push(
      limit(async () => {
        // A pre-serialized NDJSON string is sent as it is by the transport.
        const response = await es.bulk({ operations: body as never });
        if (response.errors) throw new Error(`bulk item errors: ${JSON.stringify(response.items.find((i) => i.index?.error)?.index?.error)}`);
      }),
    );
  }
  await Promise.all(requests);
  return performance.now() - started;
}

/** Tries each shape on a fresh index with `sampleLines`, best first. */
export async function findBestShape(
  es: ElasticsearchClient,
  sampleLines: (index: string) => string[],
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
