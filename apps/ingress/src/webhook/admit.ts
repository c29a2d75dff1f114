/**
 * The webhook checks that need the body: signature over the raw bytes first (an unauthenticated
 * sender learns nothing about our validation), then UTF-8, JSON and the envelope contract.
 * Pure and synchronous, so it runs the same on the HTTP thread and on the intake thread.
 *
 * Events the pipeline does not handle are admitted: the worker decides what to do with them.
 *
 * @example
 * const admission = admitWebhook(raw, headers["x-periskope-signature"], verifier);
 * if (!admission.ok) return OUTCOMES[admission.code];
 */
import { isUtf8 } from "node:buffer";
import { parseEnvelope } from "@periskope-pipeline/contracts";
import type { RejectionCode } from "./outcomes.ts";
import type { SignatureVerifier } from "./signature.ts";

export type Admission = { readonly ok: true; readonly eventType: string } | { readonly ok: false; readonly code: RejectionCode };

const SIGNATURE_REJECTIONS = {
  missing: { ok: false, code: "signature_missing" },
  malformed: { ok: false, code: "signature_malformed" },
  mismatch: { ok: false, code: "signature_mismatch" },
} as const satisfies Record<string, Admission>;

const INVALID_ENCODING: Admission = { ok: false, code: "invalid_encoding" };

/** `verify` null means verification was explicitly disabled by configuration. */
export function admitWebhook(body: Uint8Array, signature: string | undefined, verify: SignatureVerifier | null): Admission {
  if (verify !== null) {
    const check = verify(body, signature);
    if (check !== "valid") return SIGNATURE_REJECTIONS[check];
  }
  // JSON.parse would silently turn broken UTF-8 into U+FFFD while we publish the broken bytes.
  if (!isUtf8(body)) return INVALID_ENCODING;
  const parsed = parseEnvelope(body);
  if (!parsed.ok) return { ok: false, code: parsed.code };
  return { ok: true, eventType: parsed.envelope.eventType };
}
