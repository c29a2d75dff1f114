import { describe, expect, it } from "vitest";
import { bulkItemResult, classifyBulkItem } from "./bulk-outcome.ts";

describe("classifyBulkItem", () => {
  it("accepts created and updated items", () => {
    expect(classifyBulkItem({ status: 201 })).toEqual({ kind: "ok" });
    expect(classifyBulkItem({ status: 200 })).toEqual({ kind: "ok" });
  });

  it("treats an external_gte version conflict as superseded, not as a failure", () => {
    expect(classifyBulkItem({ status: 409, error: { type: "version_conflict_engine_exception", reason: "current version [5] is higher" } })).toEqual({ kind: "superseded" });
  });

  it("retries back-pressure and server errors", () => {
    expect(classifyBulkItem({ status: 429, error: { type: "es_rejected_execution_exception", reason: "queue full" } }).kind).toBe("retryable");
    expect(classifyBulkItem({ status: 503, error: { type: "unavailable_shards_exception" } }).kind).toBe("retryable");
  });

  it("rejects mapping errors with the ES type and reason", () => {
    const outcome = classifyBulkItem({
      status: 400,
      error: { type: "document_parsing_exception", reason: "failed to parse field [from_me]", caused_by: { reason: "Failed to parse value [maybe]" } },
    });
    expect(outcome).toEqual({
      kind: "rejected",
      status: 400,
      errorType: "document_parsing_exception",
      reason: "failed to parse field [from_me]: Failed to parse value [maybe]",
    });
  });

  it("reads whichever action an item carries", () => {
    expect(bulkItemResult({ update: { status: 200 } }).status).toBe(200);
    expect(classifyBulkItem(bulkItemResult({})).kind).toBe("retryable");
  });
});
