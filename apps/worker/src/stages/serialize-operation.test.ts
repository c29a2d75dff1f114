import { describe, expect, it } from "vitest";
import { bulkBody, serializeOperation } from "./serialize-operation.ts";

const operation = (id: string, body: string) => ({
  action: { index: { _index: "msgs", _id: id, version: 1_750_255_207_000, version_type: "external_gte" } },
  document: { message_id: id, body, chat_name: null },
});

describe("serializeOperation", () => {
  it("writes the action and the document as two NDJSON lines", () => {
    const lines = serializeOperation(operation("m-1", "line one\nline two")).toString("utf8").split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe("");
    expect(JSON.parse(lines[0]!)).toEqual(operation("m-1", "").action);
    expect(JSON.parse(lines[1]!)).toEqual({ message_id: "m-1", body: "line one\nline two", chat_name: null });
  });

  it("encodes characters outside ASCII as UTF-8", () => {
    const bytes = serializeOperation(operation("m-2", "Noted 👍 café"));
    expect(JSON.parse(bytes.toString("utf8").split("\n")[1]!).body).toBe("Noted 👍 café");
  });
});

describe("bulkBody", () => {
  it("puts the operations back to back as one NDJSON body", () => {
    const body = bulkBody([serializeOperation(operation("a", "x")), serializeOperation(operation("b", "y"))]).toString("utf8");
    const lines = body.split("\n");
    expect(lines).toHaveLength(5);
    expect(lines.filter((_, i) => i % 2 === 0 && i < 4).map((l) => JSON.parse(l).index._id)).toEqual(["a", "b"]);
  });
});
