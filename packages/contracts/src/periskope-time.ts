/**
 * Periskope sends times in several shapes (reference §5.4): `"2024-05-13 11:19:34+00"` (docs),
 * `"2025-01-23T12:05:29+00:00"` (REST), ISO with micro-seconds, and numbers. This turns any of them
 * into epoch milliseconds, or `null` when the value is not a time.
 *
 * @example
 * parsePeriskopeTime("2024-05-13 11:19:34+00"); // 1715599174000
 * parsePeriskopeTime(1715599174);               // 1715599174000 (seconds)
 * parsePeriskopeTime(1715599174000000);         // 1715599174000 (micro-seconds)
 */

/**
 * An epoch number's unit follows from its size: each unit's values for the years 1973-5138 fill
 * one band, three orders of magnitude wide, so a seconds, milli-, micro- or nano-second epoch is
 * never read in the wrong unit (a micro-second epoch read as milliseconds would be the year 57000,
 * and a versioned document written with it would never accept another event).
 */
const UNIT_BANDS: ReadonlyArray<{ readonly below: number; readonly toMs: number }> = [
  { below: 1e11, toMs: 1000 }, // seconds
  { below: 1e14, toMs: 1 }, // milliseconds
  { below: 1e17, toMs: 1e-3 }, // micro-seconds
  { below: Number.POSITIVE_INFINITY, toMs: 1e-6 }, // nano-seconds
];

// `YYYY-MM-DD[ T]HH:MM[:SS[.fraction]][Z|±HH[:?MM]]`; a bare `+00` offset is what Postgres prints.
const TIME_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

export function parsePeriskopeTime(value: unknown): number | null {
  if (typeof value === "number") {
    if (!Number.isFinite(value) || value <= 0) return null;
    const band = UNIT_BANDS.find((b) => value < b.below)!;
    return Math.round(value * band.toMs);
  }
  if (typeof value !== "string") return null;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return parsePeriskopeTime(Number(text));
  const m = TIME_PATTERN.exec(text);
  if (!m) {
    // Date-only values (`2025-04-25`) and other ISO forms Date understands.
    const ms = /^\d{4}-\d{2}-\d{2}/.test(text) ? Date.parse(text) : Number.NaN;
    return Number.isFinite(ms) ? ms : null;
  }
  const [, y, mo, d, h, mi, s = "0", frac = "0", zone = "Z"] = m;
  if (Number(mo) < 1 || Number(mo) > 12 || Number(d) < 1 || Number(d) > 31) return null;
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 60) return null;
  const millis = Number(frac.padEnd(3, "0").slice(0, 3));
  let utc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), millis);
  if (zone.toUpperCase() !== "Z") {
    const sign = zone.startsWith("-") ? -1 : 1;
    const digits = zone.slice(1).replace(":", "");
    const offsetMinutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || "0");
    utc -= sign * offsetMinutes * 60_000;
  }
  return Number.isFinite(utc) ? utc : null;
}
