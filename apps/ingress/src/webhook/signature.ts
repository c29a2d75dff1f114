/**
 * Periskope webhook signatures (reference §6): `x-periskope-signature` is the lowercase hex
 * HMAC-SHA256 of the raw body bytes, keyed with the signing key's UTF-8 text.
 *
 * One HMAC per request over the bytes as received: no re-serialised JSON fallback, because the
 * bytes we publish are the bytes we verified. The comparison is on the 32 decoded bytes with
 * `timingSafeEqual`; only the header's *shape* (64 hex characters) is checked before, which
 * reveals nothing about the key.
 *
 * @example
 * const verify = createSignatureVerifier("peri_key");
 * verify(rawBody, request.headers["x-periskope-signature"]); // "valid" | "missing" | "malformed" | "mismatch"
 */
import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from "node:crypto";

export const SIGNATURE_HEADER = "x-periskope-signature";

export type SignatureCheck = "valid" | "missing" | "malformed" | "mismatch";

export type SignatureVerifier = (body: Uint8Array, header: string | undefined) => SignatureCheck;

const HEX_SHA256 = /^[0-9a-fA-F]{64}$/;

export function createSignatureVerifier(signingKey: string): SignatureVerifier {
  if (signingKey.length === 0) throw new Error("a signing key is required to verify signatures");
  // Imported once: createHmac with a KeyObject skips re-reading the key on every request.
  const key: KeyObject = createSecretKey(Buffer.from(signingKey, "utf8"));
  return (body, header) => {
    if (header === undefined || header.length === 0) return "missing";
    if (!HEX_SHA256.test(header)) return "malformed";
    const given = Buffer.from(header, "hex");
    const expected = createHmac("sha256", key).update(body).digest();
    return timingSafeEqual(given, expected) ? "valid" : "mismatch";
  };
}
