/**
 * Generated malformed webhook deliveries for the fuzz tests: random bytes, truncated JSON, deep
 * nesting, wrong types, broken UTF-8, odd headers. Most are correctly signed, so they get past the
 * signature check and exercise the parsers. Seeded, so a failure reproduces.
 */
import { createHmac } from "node:crypto";
import { messageCreated, toRawBody } from "@periskope-pipeline/testkit";

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


const valid = [1, 2, 3].map((index) => Buffer.from(toRawBody(messageCreated({ index }))));

export interface MalformedDelivery {
  readonly kind: string;
  readonly body: Buffer;
  readonly headers: Record<string, string>;
}

const WRONG_NAMES: unknown[] = [42, 0, -1, true, false, null, [], ["message.created"], {}, { name: "x" }, "", " ", "message created", "a".repeat(129), "naïve.event", "message.created\n", "<script>"];
const WRONG_DATA: unknown[] = [null, 0, 7.5, "", "{}", true, [], [{}], ["a"]];

export function malformedDeliveries(seed: number, key: string): () => MalformedDelivery {
  const sign = (body: Uint8Array) => createHmac("sha256", key).update(body).digest("hex");
  const r = random(seed);
  const randomBytes = (length: number) => Buffer.from(Array.from({ length }, () => r.int(256)));
  const signed = (kind: string, body: Buffer, extra: Record<string, string> = {}): MalformedDelivery => ({
    kind,
    body,
    headers: { "content-type": "application/json", "x-periskope-signature": sign(body), ...extra },
  });

  const makers: (() => MalformedDelivery)[] = [
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


/** How many kinds `malformedDeliveries` mixes. */
export const MALFORMED_KINDS = 17;
