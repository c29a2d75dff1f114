/**
 * docker-compose.yml as data for the checks: services, their environment (YAML merge keys
 * resolved, as Compose does) and `${NAME:-default}` interpolation read without a Docker engine.
 */
import { parse } from "yaml";
import { readRepoFile } from "./repo.ts";

export interface ComposeService {
  image?: string;
  build?: { context?: string; target?: string; dockerfile?: string };
  command?: string[] | string;
  environment?: Record<string, string | number | boolean | null>;
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] | string };
  restart?: string;
}

export interface ComposeFile {
  name?: string;
  services: Record<string, ComposeService>;
}

export function readCompose(text = readRepoFile("docker-compose.yml")): ComposeFile {
  return parse(text, { merge: true }) as ComposeFile;
}

/** The environment of a service, values as strings. */
export function serviceEnv(service: ComposeService): Record<string, string> {
  return Object.fromEntries(Object.entries(service.environment ?? {}).map(([k, v]) => [k, v === null ? "" : String(v)]));
}

/**
 * What a value resolves to when the variable it interpolates is unset: `${X:-d}` → `d`,
 * `${X}` → ``, literal text as is. Only whole-value interpolations are expected in this file.
 */
export function interpolationDefault(value: string): string {
  return value.replace(/\$\{[A-Z0-9_]+(?::?-([^}]*))?\}/g, (_, fallback: string | undefined) => fallback ?? "");
}

/** `${NAME...}` references in a value. */
export function interpolatedNames(value: string): string[] {
  return [...value.matchAll(/\$\{([A-Z0-9_]+)/g)].map((m) => m[1] ?? "");
}

/** Container port of each `ports` entry (`[ip:]host:container`). */
export function publishedPorts(service: ComposeService): { hostIp: string | undefined; container: number }[] {
  return (service.ports ?? []).map((entry) => {
    const parts = String(entry).split(":");
    return { hostIp: parts.length === 3 ? parts[0] : undefined, container: Number.parseInt(parts.at(-1) ?? "", 10) };
  });
}

export function healthcheckText(service: ComposeService): string {
  const test = service.healthcheck?.test;
  return Array.isArray(test) ? test.join(" ") : (test ?? "");
}
