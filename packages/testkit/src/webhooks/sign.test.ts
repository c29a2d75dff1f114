import { createHmac, timingSafeEqual } from "node:crypto";
import { describe, expect, it } from "vitest";
import { toRawBody } from "./envelope.ts";
import { messageCreated } from "./message-events.ts";
import { SIGNATURE_HEADER, signBody, signedHeaders } from "./sign.ts";

/** The verification the reference recommends (§6), written independently of `signBody`. */
function verify(raw: Buffer, header: string, key: string): boolean {
  const want = Buffer.from(createHmac("sha256", key).update(raw).digest("hex"));
  const given = Buffer.from(header.trim().toLowerCase());
  return want.length === given.length && timingSafeEqual(want, given);
}

describe("signBody", () => {
  it("matches the published HMAC-SHA256 test vector", () => {
    expect(signBody("The quick brown fox jumps over the lazy dog", "key")).toBe("f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8");
  });

  it("is 64 lowercase hex characters with no prefix", () => {
    expect(signBody("{}", "peri_abc")).toMatch(/^[0-9a-f]{64}$/);
  });

  it("signs the exact bytes: strings and their UTF-8 bytes agree, any change breaks it", () => {
    const raw = toRawBody(messageCreated({ index: 1, body: "Entrega às 14h 🚚" }));
    const sig = signBody(raw, "peri_key");
    expect(signBody(Buffer.from(raw, "utf8"), "peri_key")).toBe(sig);
    expect(verify(Buffer.from(raw, "utf8"), sig, "peri_key")).toBe(true);
    expect(verify(Buffer.from(`${raw} `, "utf8"), sig, "peri_key")).toBe(false);
    expect(verify(Buffer.from(raw, "utf8"), sig, "peri_other")).toBe(false);
  });
});

describe("signedHeaders", () => {
  it("sets the JSON content type and the signature header", () => {
    expect(signedHeaders("{}", "k")).toEqual({ "content-type": "application/json", [SIGNATURE_HEADER]: signBody("{}", "k") });
  });
});
