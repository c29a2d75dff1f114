/**
 * Zod building blocks for environment variables: every value arrives as a string (or not at all),
 * so these coerce with clear messages and keep defaults visible in one place.
 */
import { z } from "zod";

const TRUE = new Set(["1", "true", "yes", "on"]);
const FALSE = new Set(["0", "false", "no", "off"]);

/** `true/false/1/0/yes/no/on/off`, case-insensitive. */
export function envBoolean(defaultValue: boolean) {
  return z
    .string()
    .trim()
    .toLowerCase()
    .refine((v) => TRUE.has(v) || FALSE.has(v), "must be true or false")
    .transform((v) => TRUE.has(v))
    .optional()
    .transform((v) => v ?? defaultValue);
}

/** An integer within bounds, with a default. */
export function envInt(defaultValue: number, { min = 0, max = Number.MAX_SAFE_INTEGER } = {}) {
  return z.coerce.number().int(`must be a whole number`).min(min).max(max).optional().default(defaultValue);
}

/** Comma-separated list; blanks dropped. */
export function envList(defaultValue: readonly string[] = []) {
  return z
    .string()
    .optional()
    .transform((v) => (v === undefined ? [...defaultValue] : v.split(",").map((s) => s.trim()).filter(Boolean)));
}

/** A non-empty string with a default. */
export function envString(defaultValue: string) {
  return z.string().trim().min(1).optional().default(defaultValue);
}

/** A non-empty string that may be absent. */
export function envOptionalString() {
  return z
    .string()
    .trim()
    .optional()
    .transform((v) => (v === undefined || v === "" ? undefined : v));
}

/** An http(s) URL without trailing slash. */
export function envUrl(defaultValue?: string) {
  const url = z
    .url({ protocol: /^https?$/, error: "must be an http(s) URL" })
    .transform((v) => v.replace(/\/+$/, ""));
  return defaultValue === undefined ? url : url.optional().default(defaultValue);
}

/** A required secret: present and non-empty. */
export function envSecret() {
  return z.string({ error: "is required" }).trim().min(1, "is required");
}

/** A log level pino understands. */
export function envLogLevel() {
  return z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).optional().default("info");
}
