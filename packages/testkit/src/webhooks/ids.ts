/**
 * Deterministic identifiers: the same (seed, parts) always give the same id, so a test can build
 * `messageCreated({ index: 3 })` and later `messageAck({ index: 3 })` for the same message.
 */
import { createHash } from "node:crypto";

export type Seed = number | string;

export function digestHex(seed: Seed, ...parts: (string | number)[]): string {
  return createHash("sha256").update([String(seed), ...parts.map(String)].join("\u0000")).digest("hex");
}

/** A v4-shaped UUID derived from the inputs (envelope ids, org ids). */
export function deterministicUuid(seed: Seed, ...parts: (string | number)[]): string {
  const h = digestHex(seed, ...parts);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A WhatsApp message key like `3EB0A1B2C3D4E5F60718` (web clients prefix 3EB0). */
export function whatsappMessageKey(seed: Seed, ...parts: (string | number)[]): string {
  return `3EB0${digestHex(seed, "wa", ...parts).slice(0, 16).toUpperCase()}`;
}

/** Digits derived from the inputs, e.g. for phone numbers. */
export function deterministicDigits(length: number, seed: Seed, ...parts: (string | number)[]): string {
  const h = digestHex(seed, "digits", ...parts);
  let out = "";
  for (let i = 0; out.length < length; i = (i + 2) % h.length) out += String(Number.parseInt(h.slice(i, i + 2), 16) % 10);
  return out;
}
