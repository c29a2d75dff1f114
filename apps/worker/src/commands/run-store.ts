/**
 * Run records and leases in the commands index, read and written with optimistic concurrency.
 *
 * Every write that can race another worker is conditional: creation uses `op_type=create` (a
 * command id published twice creates one record), and every later write carries the
 * `if_seq_no`/`if_primary_term` of the version its writer last saw, so a worker that lost its run
 * to a takeover finds out on its next write instead of overwriting the new owner. Writes go through
 * the bulk API like every other write in the pipeline (design §4); a 409 is the answer "someone
 * else wrote first", anything else unexpected throws.
 */
import { bulkItemResult, classifyBulkItem, type ElasticsearchClient } from "@periskope-pipeline/elasticsearch";
import type { DocVersion } from "./run-record.ts";

export type WriteResult = { ok: true; version: DocVersion } | { ok: false; conflict: true };

export interface VersionedDoc<T> {
  doc: T;
  version: DocVersion;
}

export class CommandsIndex {
  readonly es: ElasticsearchClient;
  readonly index: string;

  constructor(es: ElasticsearchClient, index: string) {
    this.es = es;
    this.index = index;
  }

  async get<T>(id: string): Promise<VersionedDoc<T> | null> {
    const response = await this.es.get<T>({ index: this.index, id }, { ignore: [404] });
    if (!response.found || response._source === undefined) return null;
    return { doc: response._source, version: { seqNo: response._seq_no ?? 0, primaryTerm: response._primary_term ?? 0 } };
  }

  /** Creates the document unless one with this id exists. */
  create(id: string, doc: object): Promise<WriteResult> {
    return this.write({ create: { _index: this.index, _id: id } }, doc);
  }

  /** Replaces the document only if it is still at `version`. */
  replace(id: string, doc: object, version: DocVersion): Promise<WriteResult> {
    return this.write({ index: { _index: this.index, _id: id, if_seq_no: version.seqNo, if_primary_term: version.primaryTerm } }, doc);
  }

  /** Writes the document whatever is stored (for markers, which only ever move forward). */
  put(id: string, doc: object): Promise<WriteResult> {
    return this.write({ index: { _index: this.index, _id: id } }, doc);
  }

  /** Deletes the document only if it is still at `version`; false when it changed meanwhile. */
  async remove(id: string, version: DocVersion): Promise<boolean> {
    const result = await this.write({ delete: { _index: this.index, _id: id, if_seq_no: version.seqNo, if_primary_term: version.primaryTerm } });
    return result.ok;
  }

  private async write(action: Record<string, object>, doc?: object): Promise<WriteResult> {
    const response = await this.es.bulk({ operations: doc === undefined ? [action] : [action, doc] });
    const item = response.items[0];
    if (!item) throw new Error(`commands index ${this.index}: bulk answered without an item`);
    const result = bulkItemResult(item);
    const outcome = classifyBulkItem(result);
    if (outcome.kind === "ok") {
      const raw = result as { _seq_no?: number; _primary_term?: number };
      return { ok: true, version: { seqNo: raw._seq_no ?? 0, primaryTerm: raw._primary_term ?? 0 } };
    }
    if (outcome.kind === "superseded") return { ok: false, conflict: true };
    // A delete of a document that is already gone is as good as done for a lease release.
    if (result.status === 404 && "delete" in action) return { ok: false, conflict: true };
    throw new CommandsIndexError(`commands index ${this.index}: ${outcome.errorType}: ${outcome.reason}`, outcome.kind === "retryable");
  }
}

/** A write the commands index refused for a reason other than a concurrent writer. */
export class CommandsIndexError extends Error {
  override readonly name = "CommandsIndexError";
  readonly retryable: boolean;

  constructor(message: string, retryable: boolean) {
    super(message);
    this.retryable = retryable;
  }
}
