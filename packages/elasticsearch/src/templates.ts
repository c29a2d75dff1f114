/**
 * Installs the index templates this package ships as JSON (`packages/elasticsearch/templates/`) and prepares the indices they
 * describe, idempotently, so a worker can start against an empty cluster and ops can prepare a
 * cluster with the same files. Each configured name is an alias over `<name>-000001` (created when
 * absent) and every existing index is checked against its template (`index-aliases.ts`).
 *
 * Index names are settings, so a template's `index_patterns` is the configured name (plus rollover
 * suffixes `<name>-*`), and the template is named after the index.
 */
import type { Client } from "@elastic/elasticsearch";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { generationOf, prepareIndex, type PreparedIndex } from "./index-aliases.ts";

export type IndexRole = "messages" | "chatNames" | "events" | "commands";

export type IndexNames = Readonly<Record<IndexRole, string>>;

const TEMPLATE_FILES: Readonly<Record<IndexRole, string>> = {
  messages: "messages.template.json",
  chatNames: "chat-names.template.json",
  events: "events.template.json",
  commands: "commands.template.json",
};

/** The templates' folder, shipped with this package (images copy it beside `src`). */
export const DEFAULT_TEMPLATES_DIR = fileURLToPath(new URL("../templates/", import.meta.url));

export interface IndexTemplate {
  readonly _meta?: Record<string, unknown>;
  readonly template: { settings?: Record<string, unknown>; mappings: Record<string, unknown> };
}

export function readTemplate(role: IndexRole, dir = DEFAULT_TEMPLATES_DIR): IndexTemplate {
  return JSON.parse(readFileSync(`${dir.replace(/\/?$/, "/")}${TEMPLATE_FILES[role]}`, "utf8")) as IndexTemplate;
}

/** Indices of its own for a test or a benchmark sharing one cluster with others: `<prefix>-<role>`. */
export function scopedIndexNames(prefix: string): IndexNames {
  return { messages: `${prefix}-messages`, chatNames: `${prefix}-chat-names`, events: `${prefix}-events`, commands: `${prefix}-commands` };
}

/** Index names from the shared `ELASTICSEARCH_*` settings. */
export function indexNamesFromEnv(env: {
  ELASTICSEARCH_INDEX: string;
  ELASTICSEARCH_CACHE_INDEX: string;
  ELASTICSEARCH_EVENTS_INDEX: string;
  ELASTICSEARCH_COMMANDS_INDEX: string;
}): IndexNames {
  return {
    messages: env.ELASTICSEARCH_INDEX,
    chatNames: env.ELASTICSEARCH_CACHE_INDEX,
    events: env.ELASTICSEARCH_EVENTS_INDEX,
    commands: env.ELASTICSEARCH_COMMANDS_INDEX,
  };
}

/**
 * Resolves with each index as found (or created); rejects with an `IndexMappingError` naming the
 * fix when an existing index contradicts its template.
 */
export async function installTemplates(client: Client, names: IndexNames, dir = DEFAULT_TEMPLATES_DIR): Promise<PreparedIndex[]> {
  const prepared: PreparedIndex[] = [];
  for (const role of Object.keys(TEMPLATE_FILES) as IndexRole[]) {
    const index = names[role];
    const { _meta, template } = readTemplate(role, dir);
    await client.indices.putIndexTemplate({
      name: `periskope-pipeline-${index}`,
      index_patterns: [index, `${index}-*`],
      // Above the default 0 so an unrelated catch-all template never wins; below the stack's 100+.
      priority: 50,
      template: template as never,
      ...(_meta ? { _meta } : {}),
    });
    prepared.push(await prepareIndex(client, index, template));
  }
  return prepared;
}

/** The role whose configured name is `index`, or whose `<name>-NNNNNN` indices it names. */
export function roleOfIndex(names: IndexNames, index: string): IndexRole | undefined {
  const roles = Object.keys(TEMPLATE_FILES) as IndexRole[];
  return roles.find((role) => names[role] === index) ?? roles.find((role) => generationOf(names[role], index) !== undefined);
}
