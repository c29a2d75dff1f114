/**
 * How long the server asks us to wait, read from response headers.
 *
 * Periskope documents neither 429 nor `Retry-After` (reference §4), so this follows what
 * integrators do: `Retry-After` first (RFC 9110 §10.2.3: delay-seconds or an HTTP-date), else
 * `X-RateLimit-Reset`, whose unit is unknown — a value above 1e9 can only be an epoch timestamp
 * in seconds (1e9 s is 2001-09-09), anything smaller is read as seconds from now.
 *
 * @example
 * ```ts
 * serverAdvisedDelayMs(new Headers({ "retry-after": "2" }), Date.now()); // 2000
 * ```
 */
export function serverAdvisedDelayMs(headers: Headers, nowMs: number): number | undefined {
  return retryAfterMs(headers.get("retry-after"), nowMs) ?? rateLimitResetMs(headers.get("x-ratelimit-reset"), nowMs);
}

const EPOCH_SECONDS_THRESHOLD = 1e9;

export function retryAfterMs(value: string | null, nowMs: number): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (trimmed === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}

export function rateLimitResetMs(value: string | null, nowMs: number): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (!/^\d+(\.\d+)?$/.test(trimmed)) return undefined;
  const n = Number(trimmed);
  if (n > EPOCH_SECONDS_THRESHOLD) return Math.max(0, Math.ceil(n * 1000 - nowMs));
  return Math.round(n * 1000);
}
