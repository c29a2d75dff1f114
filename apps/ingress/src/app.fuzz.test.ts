/**
 * 10,000+ generated malformed deliveries through the app in-process: random bytes, truncated JSON,
 * deep nesting, wrong types, broken UTF-8, odd headers. Most are correctly signed, so they get past
 * the signature check and exercise the parsers. Expected: every answer a 4xx with a JSON reason,
 * nothing ever published, no 5xx. The seed is fixed so a failure reproduces; a new seed explores.
 */
import { createHmac } from "node:crypto";
import { messageCreated, toRawBody } from "@periskope-pipeline/testkit";
import { describe, expect, it } from "vitest";
import { createTestApp, SIGNING_KEY } from "../test/support/test-app.ts";
import { WEBHOOK_ROUTE } from "./routes.ts";

const SEED = Number(process.env.INGRESS_FUZZ_SEED ?? 20_250_619);
const CASES = 10_500;

/** mulberry32: small, fast, reproducible. */
function random(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const int = (max: number) => Math.floor(next() * max);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T;
  return { next, int, pick };
}

const sign = (body: Uint8Array) => createHmac("sha256", SIGNING_KEY).update(body).digest("hex");
const valid = [1, 2, 3].map((index) => Buffer.from(toRawBody(messageCreated({ index }))));

interface Case {
  readonly kind: string;
  readonly body: Buffer;
  readonly headers: Record<string, string>;
}

const WRONG_NAMES: unknown[] = [42, 0, -1, true, false, null, [], ["message.created"], {}, { name: "x" }, "", " ", "message created", "a".repeat(129), "naïve.event", "message.created\n", "<script>"];
const WRONG_DATA: unknown[] = [null, 0, 7.5, "", "{}", true, [], [{}], ["a"]];

function generator(seed: number) {
  const r = random(seed);
  const randomBytes = (length: number) => Buffer.from(Array.from({ length }, () => r.int(256)));
  const signed = (kind: string, body: Buffer, extra: Record<string, string> = {}): Case => ({
    kind,
    body,
    headers: { "content-type": "application/json", "x-periskope-signature": sign(body), ...extra },
  });

  const makers: (() => Case)[] = [
    () => signed("random-bytes", randomBytes(r.int(2_000))),
    () => {
      const source = r.pick(valid);
      return signed("truncated-json", source.subarray(0, r.int(source.length)));
    },
    () => {
      const depth = 1 + r.int(200_000);
      const open = r.pick(["[", '{"a":']);
      // Never closed: invalid at any depth, and parsers must not overflow on the way down.
      return signed("deep-nesting", Buffer.from(`{"event_type":"x.y","data":${open.repeat(depth)}`));
    },
    () => signed("deep-array-top-level", Buffer.from(`${"[".repeat(1 + r.int(50_000))}${"]".repeat(1 + r.int(50_000))}`)),
    () => signed("wrong-event-type", Buffer.from(JSON.stringify({ event_type: r.pick(WRONG_NAMES), data: {} }))),
    () => signed("wrong-event", Buffer.from(JSON.stringify({ event: r.pick(WRONG_NAMES), data: { message_id: "m" } }))),
    () => signed("wrong-data", Buffer.from(JSON.stringify({ event_type: "message.created", data: r.pick(WRONG_DATA) }))),
    () => signed("not-an-object", Buffer.from(JSON.stringify(r.pick<unknown>([[], [1, 2], "x", 1, null, true, [{ event_type: "a", data: {} }]])))),
    () => {
      const source = Buffer.from(r.pick(valid));
      const at = 20 + r.int(source.length - 40);
      source[at] = r.pick([0x80, 0xbf, 0xc0, 0xc1, 0xf5, 0xff, 0xfe]);
      return signed("invalid-utf8", source);
    },
    () => {
      const body = Buffer.from(JSON.stringify({ __proto__: { event_type: "message.created", data: {} }, constructor: { prototype: {} } }));
      return signed("prototype-pollution", Buffer.concat([Buffer.from('{"__proto__":{"event_type":"message.created","data":{}}'), body.subarray(1)]));
    },
    () => signed("duplicate-keys", Buffer.from('{"event_type":"message.created","data":{},"event_type":1}')),
    () => signed("bom-prefixed", Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), r.pick(valid)])),
    () => signed("huge-number", Buffer.from(`{"event_type":"message.created","data":${"9".repeat(1 + r.int(5_000))}}`)),
    () => {
      const body = r.pick(valid);
      const signature = sign(body);
      const header = r.pick([signature.slice(1), `${signature}0`, signature.replace(/[0-9]/, "g"), `sha256=${signature}`, " ".repeat(64), "0".repeat(64), signature.split("").reverse().join("")]);
      return { kind: "bad-signature", body, headers: { "content-type": "application/json", "x-periskope-signature": header } };
    },
    () => {
      const body = r.pick(valid);
      const contentType = r.pick(["text/plain", "application/xml", "multipart/form-data; boundary=--x", "application/json; charset=utf-16", "json", "application/", "*/*", "application/json-seq"]);
      return { kind: "bad-content-type", body, headers: { "content-type": contentType, "x-periskope-signature": sign(body) } };
    },
    () => {
      const body = r.pick(valid);
      return { kind: "unsigned", body, headers: { "content-type": "application/json" } };
    },
    () => signed("hostile-request-id", randomBytes(r.int(300)), { "x-request-id": r.pick(["x".repeat(10_000), "../../etc/passwd", "id with spaces", "%00", "\u00ff\u00fe latin-1"]) }),
  ];
  return () => r.pick(makers)();
}

describe("fuzz: malformed deliveries in-process", () => {
  it(`${CASES} generated requests: only 4xx with JSON reasons, nothing published`, { timeout: 120_000 }, async () => {
    const t = createTestApp({ env: { LOG_LEVEL: "silent" } });
    const next = generator(SEED);
    const statuses = new Map<number, number>();
    const kinds = new Map<string, number>();
    for (let i = 0; i < CASES; i++) {
      const delivery = next();
      kinds.set(delivery.kind, (kinds.get(delivery.kind) ?? 0) + 1);
      const response = await t.app.request(WEBHOOK_ROUTE, { method: "POST", body: delivery.body, headers: delivery.headers });
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      if (response.status >= 500 || response.status < 400) {
        throw new Error(`case ${i} (${delivery.kind}, seed ${SEED}) answered ${response.status}: ${await response.text()}`);
      }
      const body = (await response.json()) as { error?: { code?: string } };
      expect(body.error?.code, `case ${i} (${delivery.kind})`).toMatch(/^[a-z_]+$/);
    }
    expect(t.events.messages).toHaveLength(0);
    expect(t.intake.inFlight).toBe(0);
    expect([...statuses.keys()].every((status) => [400, 401, 415].includes(status))).toBe(true);
    // Every generator ran, so the mix is what the test says it is.
    expect(kinds.size).toBe(17);
  });
});
