/**
 * The real-socket slice of the fuzz: requests no `fetch` client would send (smuggling forms,
 * conflicting lengths, broken chunking, control bytes, oversized or never-ending headers, truncated
 * bodies, pipelining) written raw to the Node server that `main.ts` uses. Expected: no 5xx, no crash,
 * nothing published, and the server still serves afterwards.
 */
import { createHmac } from "node:crypto";
import { connect } from "node:net";
import { messageCreated, toRawBody } from "@periskope-pipeline/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, SIGNING_KEY, type TestApp } from "../../test/support/test-app.ts";
import { startHttpServer, type RunningServer } from "./http-server.ts";

const raw = toRawBody(messageCreated({ index: 1 }));
/** Content-Length counts bytes; the message text is not all ASCII. */
const rawLength = Buffer.byteLength(raw);
const signature = createHmac("sha256", SIGNING_KEY).update(raw).digest("hex");

/** Writes bytes, reads until the server closes or goes quiet; returns every status code seen. */
function exchange(port: number, payload: Buffer | string, { quietMs = 300, closeAfterWrite = false } = {}): Promise<{ statuses: number[]; closedByServer: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    let quiet: NodeJS.Timeout | undefined;
    let closedByServer = false;
    const finish = () => {
      clearTimeout(quiet);
      socket.destroy();
      const text = Buffer.concat(chunks).toString("latin1");
      resolve({ statuses: [...text.matchAll(/HTTP\/1\.[01] (\d{3})/g)].map((m) => Number(m[1])), closedByServer });
    };
    const arm = () => {
      clearTimeout(quiet);
      quiet = setTimeout(finish, quietMs);
    };
    socket.on("connect", () => {
      socket.write(payload);
      if (closeAfterWrite) socket.end();
      arm();
    });
    socket.on("data", (chunk) => {
      chunks.push(chunk);
      arm();
    });
    socket.on("end", () => {
      closedByServer = true;
      finish();
    });
    socket.on("error", (error: NodeJS.ErrnoException) => (error.code === "ECONNRESET" ? finish() : reject(error)));
  });
}

const post = (headers: string[], body = raw) => `POST /periskopewebhook HTTP/1.1\r\nHost: 127.0.0.1\r\n${headers.map((h) => `${h}\r\n`).join("")}\r\n${body}`;
const signed = [`Content-Type: application/json`, `X-Periskope-Signature: ${signature}`];

const TRICKS: [string, Buffer | string, { closeAfterWrite?: boolean }?][] = [
  ["two different Content-Length headers", post([...signed, `Content-Length: ${rawLength}`, `Content-Length: ${rawLength - 1}`])],
  ["Content-Length and chunked together (smuggling)", post([...signed, `Content-Length: ${rawLength}`, "Transfer-Encoding: chunked"], `0\r\n\r\n${raw}`)],
  ["an obfuscated Transfer-Encoding", post([...signed, "Transfer-Encoding: xchunked", `Content-Length: ${rawLength}`])],
  ["a broken chunk size", post([...signed, "Transfer-Encoding: chunked"], "zz\r\nabc\r\n0\r\n\r\n")],
  ["a chunked body past the limit", post([...signed, "Transfer-Encoding: chunked"], `${"100000\r\n" + "a".repeat(0x100000) + "\r\n"}0\r\n\r\n`)],
  ["a NUL byte in a header value", post([...signed, `X-Request-Id: a\u0000b`, `Content-Length: ${rawLength}`])],
  ["a bare CR in a header value", post([...signed, `X-Request-Id: a\rb`, `Content-Length: ${rawLength}`])],
  ["a header line without a colon", post([...signed, "NotAHeader", `Content-Length: ${rawLength}`])],
  ["a space before the colon", post([...signed, `Content-Length : ${rawLength}`])],
  ["a 32 KB header", post([...signed, `X-Padding: ${"a".repeat(32_768)}`, `Content-Length: ${rawLength}`])],
  ["a declared length above MAX_BODY_BYTES", post([...signed, "Content-Length: 999999999"], raw)],
  ["a negative Content-Length", post([...signed, "Content-Length: -5"])],
  ["a non-numeric Content-Length", post([...signed, "Content-Length: 12abc"])],
  ["a body shorter than its Content-Length, then close", post([...signed, `Content-Length: ${rawLength + 500}`]), { closeAfterWrite: true }],
  ["garbage instead of a request line", "GARBAGE\r\n\r\n"],
  ["an unknown method", `FOO /periskopewebhook HTTP/1.1\r\nHost: x\r\n\r\n`],
  ["a dot-segment path", `POST /periskopewebhook/../metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n`],
  ["HTTP/1.0 without Host (no URL to route)", `POST /periskopewebhook HTTP/1.0\r\n${signed.join("\r\n")}\r\nContent-Length: ${rawLength}\r\n\r\n${raw}`],
  ["HTTP/2 preface on an HTTP/1 port", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"],
  ["Expect: 100-continue with a bad signature", post(["Content-Type: application/json", "X-Periskope-Signature: 00", "Expect: 100-continue", `Content-Length: ${rawLength}`])],
  ["a pipelined valid-but-unsigned request followed by garbage", `${post(["Content-Type: application/json", `Content-Length: ${rawLength}`])}\u0001\u0002garbage\r\n\r\n`],
];

describe("fuzz: header tricks over real sockets", () => {
  let t: TestApp;
  let running: RunningServer;
  let port: number;

  beforeAll(async () => {
    t = createTestApp({ env: { LOG_LEVEL: "silent", MAX_BODY_BYTES: "65536" } });
    running = await startHttpServer(t.app.fetch, { port: 0, hostname: "127.0.0.1", requestTimeoutMs: 1_000 });
    port = Number(new URL(running.url).port);
  });

  afterAll(async () => {
    running.server.closeAllConnections();
    await new Promise((resolve) => running.server.close(resolve));
  });

  it.each(TRICKS)("%s: a 4xx (or a closed socket), nothing published", async (_name, payload, options) => {
    const { statuses } = await exchange(port, payload, options);
    // 1xx (100 Continue) are interim; every final answer must be a 4xx.
    const finals = statuses.filter((status) => status >= 200);
    expect(finals.every((status) => status >= 400 && status < 500), `statuses ${statuses.join(",")}`).toBe(true);
    expect(t.events.messages).toHaveLength(0);
  });

  it.each([
    ["UTF-8 bytes in X-Request-Id", Buffer.from(post([...signed, "X-Request-Id: répété-😀", `Content-Length: ${Buffer.byteLength(raw)}`]), "utf8")],
    // RFC 9112 §3.2.2: servers must accept absolute-form targets; the signature still decides.
  ["an absolute-form target", `POST http://evil.example/periskopewebhook HTTP/1.1\r\nHost: evil.example\r\n${signed.join("\r\n")}\r\nContent-Length: ${rawLength}\r\n\r\n${raw}`],
  ])("odd but valid: %s is accepted once, under a generated request id", async (_name, payload) => {
    const before = t.events.messages.length;
    const { statuses } = await exchange(port, payload);
    expect(statuses).toEqual([200]);
    expect(t.events.messages).toHaveLength(before + 1);
    expect(t.events.messages.at(-1)?.attributes.request_id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("300 requests with random header noise and lengths: no 5xx, and a publish only for a 200", async () => {
    let state = 7;
    const rnd = (max: number) => ((state = (state * 1_103_515_245 + 12_345) % 2 ** 31), state % max);
    const tokens = ["Content-Type", "content-type", "X-Periskope-Signature", "Content-Length", "Transfer-Encoding", "X-Request-Id", "Connection", "Host", "Authorization"];
    const values = ["application/json", "chunked", "close", "keep-alive", signature, signature.toUpperCase(), "", " ", "0", String(rawLength), String(rawLength + 1), "-1", "1e3", "\t", "a,b", "identity"];
    const statuses: number[] = [];
    const before = t.events.messages.length;
    for (let i = 0; i < 300; i++) {
      const headers = Array.from({ length: 1 + rnd(6) }, () => `${tokens[rnd(tokens.length)]}: ${values[rnd(values.length)]}`);
      const body = rnd(3) === 0 ? raw.slice(0, rnd(raw.length)) : raw;
      statuses.push(...(await exchange(port, post(headers, body), { quietMs: 100 })).statuses);
    }
    expect(statuses.length).toBeGreaterThan(100);
    expect(statuses.filter((status) => status >= 500)).toEqual([]);
    // Noise can assemble a valid signed request; each publish must have answered 200, and vice versa.
    expect(t.events.messages.length - before).toBe(statuses.filter((status) => status === 200).length);
  });

  it("closes a connection whose headers never finish (slow sender)", async () => {
    const { closedByServer } = await exchange(port, "POST /periskopewebhook HTTP/1.1\r\nHost: x\r\nContent-Type: appl", { quietMs: 3_000 });
    expect(closedByServer).toBe(true);
  });

  it("still serves normally afterwards", async () => {
    const before = t.events.messages.length;
    const response = await fetch(`${running.url}/periskopewebhook`, { method: "POST", body: raw, headers: { "content-type": "application/json", "x-periskope-signature": signature } });
    expect(response.status).toBe(200);
    expect(t.events.messages).toHaveLength(before + 1);
    expect((await fetch(`${running.url}/healthz`)).status).toBe(200);
  });
});
