import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createSignatureVerifier } from "./signature.ts";

const key = "peri_test_signing_key";
const body = Buffer.from('{"event_type":"message.created","data":{"message_id":"m1"}}');
const sign = (bytes: Uint8Array, k = key) => createHmac("sha256", k).update(bytes).digest("hex");

describe("createSignatureVerifier", () => {
  const verify = createSignatureVerifier(key);

  it("accepts the lowercase hex HMAC-SHA256 of the raw bytes", () => {
    expect(verify(body, sign(body))).toBe("valid");
  });

  it("accepts the same digest in uppercase hex", () => {
    expect(verify(body, sign(body).toUpperCase())).toBe("valid");
  });

  it("reports a missing or empty header as missing", () => {
    expect(verify(body, undefined)).toBe("missing");
    expect(verify(body, "")).toBe("missing");
  });

  it("reports short, long, prefixed or non-hex headers as malformed", () => {
    const good = sign(body);
    for (const header of [good.slice(0, 63), `${good}0`, `sha256=${good}`, `${good.slice(0, 62)}zz`, ` ${good.slice(1)}`]) {
      expect(verify(body, header)).toBe("malformed");
    }
  });

  it("rejects a signature made with another key or over other bytes", () => {
    expect(verify(body, sign(body, "peri_other_key"))).toBe("mismatch");
    expect(verify(Buffer.from(`${body.toString()} `), sign(body))).toBe("mismatch");
  });

  it("does not accept a signature of the re-serialised JSON when the raw bytes differ", () => {
    const pretty = Buffer.from(JSON.stringify(JSON.parse(body.toString()), null, 2));
    expect(verify(pretty, sign(body))).toBe("mismatch");
  });

  it("refuses to build a verifier without a key", () => {
    expect(() => createSignatureVerifier("")).toThrow(/signing key/);
  });
});
