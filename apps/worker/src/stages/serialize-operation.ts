/**
 * Serialize: a built bulk operation → its two NDJSON lines (action, document) as UTF-8 bytes, once
 * per message, right after it is built.
 *
 * Why here, and why bytes: the worker holds thousands of messages at a time and allocates fast, so
 * what its garbage collector pays for is what stays on the heap across a scavenge. From this point a
 * message is one buffer outside the heap instead of its parsed object graph (or a string the size of
 * the document, twice that when it holds a non-Latin-1 character), for the whole time the bulk
 * request is in flight; a retry resends the same bytes without serializing again.
 */
import type { BulkOperation } from "./build-documents.ts";

/** An action line and a document line, each ending in a newline, in UTF-8. */
export type SerializedOperation = Buffer & { readonly __brand: "SerializedOperation" };

export function serializeOperation(operation: BulkOperation): SerializedOperation {
  return Buffer.from(`${JSON.stringify(operation.action)}\n${JSON.stringify(operation.document)}\n`) as SerializedOperation;
}

/** One bulk request body: the operations' lines back to back. */
export function bulkBody(operations: readonly SerializedOperation[]): Buffer {
  return Buffer.concat(operations);
}
