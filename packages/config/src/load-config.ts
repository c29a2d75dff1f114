/**
 * Parses the environment once at boot against an app's schema. Every bad variable is reported at
 * once (not just the first), and the error never echoes secret values.
 *
 * @example
 * const config = loadConfig(z.object({ ...pubsubSettings, PORT: envInt(8080) }));
 */
import { existsSync } from "node:fs";
import { z } from "zod";
import { SECRET_VARIABLES } from "./settings.ts";

export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`invalid configuration:\n  ${problems.join("\n  ")}`);
    this.name = "ConfigError";
    this.problems = problems;
  }
}

export type Env = Record<string, string | undefined>;

/**
 * Loads `.env` from the working directory into `process.env` when present. Variables already set in
 * the environment win, as with every dotenv convention.
 */
export function loadDotEnv(path = ".env"): boolean {
  if (!existsSync(path)) return false;
  process.loadEnvFile(path);
  return true;
}

export function loadConfig<S extends z.ZodType>(schema: S, env: Env = process.env): z.output<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => {
      const name = issue.path.join(".");
      // zod messages can quote the received value; for secrets say only what is wrong.
      const message = (SECRET_VARIABLES as readonly string[]).includes(name) ? "is invalid or missing" : issue.message;
      return `${name}: ${message}`;
    }),
  );
}

/**
 * Names a schema needs from the environment: those without a default that are not optional.
 * Deployment checks read this, so a new required variable fails CI until the infrastructure sets it.
 */
export function requiredVariables(schema: z.ZodObject): string[] {
  return Object.entries(schema.shape)
    .filter(([, field]) => !(field as z.ZodType).safeParse(undefined).success)
    .map(([name]) => name)
    .sort();
}

/** Every variable a schema reads, required or not. */
export function knownVariables(schema: z.ZodObject): string[] {
  return Object.keys(schema.shape).sort();
}

/** A copy safe to log: secret values replaced. */
export function redactConfig<T extends Record<string, unknown>>(config: T): T {
  const copy: Record<string, unknown> = { ...config };
  for (const name of SECRET_VARIABLES) if (copy[name] !== undefined) copy[name] = "[redacted]";
  return copy as T;
}
