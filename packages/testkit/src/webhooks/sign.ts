/**
 * Webhook signatures as Periskope sends them (reference §6): `x-periskope-signature` carries the
 * lowercase hex HMAC-SHA256 of the raw body bytes, keyed with the signing key's UTF-8 text; no
 * prefix, no timestamp.
 *
 * @example
 * ```ts
 * const raw = toRawBody(messageCreated({ index: 1 }));
 * const headers = { "x-periskope-signature": signBody(raw, "peri_test_key") };
 * ```
 */
import { createHmac } from "node:crypto";

export const SIGNATURE_HEADER = "x-periskope-signature";

export function signBody(raw: string | Uint8Array, key: string): string {
  return createHmac("sha256", key).update(raw).digest("hex");
}

/** Headers for a signed delivery: JSON content type and the signature. */
export function signedHeaders(raw: string | Uint8Array, key: string): Record<string, string> {
  return { "content-type": "application/json", [SIGNATURE_HEADER]: signBody(raw, key) };
}
