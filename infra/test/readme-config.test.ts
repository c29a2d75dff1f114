/**
 * The README's configuration table and `.env.example` are the operator's map of settings; they are
 * checked against the apps' own config schemas so a new setting cannot ship undocumented, and a
 * changed default cannot leave the table lying.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { APPS, appVariables } from "./app-config.ts";
import { repoPath } from "./repo.ts";

const readme = readFileSync(repoPath("README.md"), "utf8");
const envExample = readFileSync(repoPath(".env.example"), "utf8");

/** Rows `| \`NAME\` | default | meaning |` between the config-table markers. */
function tableRows(): Map<string, string> {
  const start = readme.indexOf("<!-- config-table:start -->");
  const end = readme.indexOf("<!-- config-table:end -->");
  expect(start, "README has the config-table markers").toBeGreaterThanOrEqual(0);
  const rows = new Map<string, string>();
  for (const line of readme.slice(start, end).split("\n")) {
    const m = /^\| `([A-Z][A-Z0-9_]+)` \| ([^|]+) \|/.exec(line);
    if (m?.[1] && m[2]) rows.set(m[1], m[2].trim());
  }
  return rows;
}

/** How the table writes a schema default: `value`, `—` for none, `required`. */
function documentedDefault(field: z.ZodType): string {
  const parsed = field.safeParse(undefined);
  if (!parsed.success) return "required";
  const value = parsed.data;
  if (value === undefined || (Array.isArray(value) && value.length === 0)) return "—";
  return `\`${Array.isArray(value) ? value.join(",") : String(value)}\``;
}

describe("README configuration table", () => {
  const rows = tableRows();

  it.each(APPS)("documents every variable the %s reads, with its real default", async (app) => {
    const { configSchema } = (await import(repoPath(`apps/${app}/src/config.ts`))) as { configSchema: z.ZodObject };
    const known = (await appVariables(app)).known;
    const missing = known.filter((name) => !rows.has(name));
    expect(missing, "variables missing from the README table").toEqual([]);
    for (const name of known) {
      expect(rows.get(name), `default of ${name}`).toBe(documentedDefault(configSchema.shape[name] as z.ZodType));
    }
  });

  it("lists nothing that no app or local script reads", async () => {
    const known = new Set((await Promise.all(APPS.map(appVariables))).flatMap((v) => v.known));
    const localOnly = ["ES_HEAP", "ES_JAVA_HOME", "LOCAL_STACK_DIR", "SIMULATOR_PORT", "SIMULATOR_CHATS"];
    const unknown = [...rows.keys()].filter((name) => !known.has(name) && !localOnly.includes(name));
    expect(unknown).toEqual([]);
  });
});

describe(".env.example", () => {
  it.each(APPS)("names every variable the %s reads", async (app) => {
    const listed = new Set([...envExample.matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]));
    const missing = (await appVariables(app)).known.filter((name) => !listed.has(name));
    expect(missing, "variables missing from .env.example").toEqual([]);
  });
});
