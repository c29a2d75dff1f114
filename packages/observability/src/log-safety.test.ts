import { Writable } from "node:stream";
import { errors } from "@elastic/elasticsearch";
import { describe, expect, it } from "vitest";
import { serializeError, stripUrlCredentials } from "./log-safety.ts";
import { createLogger } from "./logger.ts";

const MESSAGE_TEXT = "Meet me at 7, the door code is 4711";

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, destination };
}

/** A real client error as a refused bulk request raises it: the request body is the message text. */
function bulkResponseError(): errors.ResponseError {
  return new errors.ResponseError({
    statusCode: 400,
    headers: {},
    warnings: null,
    body: {
      error: {
        type: "document_parsing_exception",
        reason: `failed to parse field [ack]. Preview of field's value: '${MESSAGE_TEXT}'`,
        root_cause: [{ type: "document_parsing_exception", reason: `Preview of field's value: '${MESSAGE_TEXT}'` }],
      },
      status: 400,
    },
    meta: {
      context: null,
      name: "es",
      request: { params: { method: "POST", path: "/_bulk", body: `{"index":{}}\n{"body":"${MESSAGE_TEXT}"}\n` }, options: {}, id: 1 },
      connection: null,
      attempts: 0,
      aborted: false,
    },
  } as never);
}

describe("serializeError", () => {
  it("logs an Elasticsearch response error as name, status and type, without request or reasons", () => {
    expect(serializeError(bulkResponseError())).toEqual({ type: "ResponseError", status: 400, error_type: "document_parsing_exception" });
  });

  it("logs other errors by an allow-list: a response body the error carries stays out", () => {
    const error = Object.assign(new Error("GET /chats/1 answered 500", { cause: new Error("socket hang up") }), { code: "SERVER_ERROR", status: 500, retryable: true, body: { text: MESSAGE_TEXT } });
    const serialized = serializeError(error) as Record<string, unknown>;
    expect(serialized).toMatchObject({ type: "Error", message: "GET /chats/1 answered 500", code: "SERVER_ERROR", status: 500, retryable: true, cause: { type: "Error", message: "socket hang up" } });
    expect(JSON.stringify(serialized)).not.toContain(MESSAGE_TEXT);
  });
});

describe("stripUrlCredentials", () => {
  it("removes the userinfo of every URL and leaves the rest", () => {
    expect(stripUrlCredentials("connect to https://elastic:s3cret@es.example.test:9243/_bulk failed; mail a@b.c")).toBe("connect to https://es.example.test:9243/_bulk failed; mail a@b.c");
    expect(stripUrlCredentials("http://127.0.0.1:9200")).toBe("http://127.0.0.1:9200");
  });
});

describe("every logger", () => {
  it("writes an Elasticsearch error logged as err without the message text it was sending", () => {
    const { lines, destination } = capture();
    createLogger({ service: "worker", destination }).error({ event: "BulkFailed", err: bulkResponseError() }, "bulk failed");
    expect(lines[0]).not.toContain(MESSAGE_TEXT);
    expect(JSON.parse(lines[0] as string).err).toEqual({ type: "ResponseError", status: 400, error_type: "document_parsing_exception" });
  });

  it("writes URLs without their credentials, in fields and in error messages", () => {
    const { lines, destination } = capture();
    const log = createLogger({ service: "worker", destination });
    log.info({ event: "WorkerStarting", config: { ELASTICSEARCH_URL: "https://elastic:s3cret@es.example.test" } }, "starting");
    log.warn({ err: new Error("fetch https://user:pw@api.example.test/v1 failed") }, "failed");
    expect(lines.join("")).not.toMatch(/s3cret|user:pw/);
    expect(JSON.parse(lines[0] as string).config.ELASTICSEARCH_URL).toBe("https://es.example.test");
  });
});
