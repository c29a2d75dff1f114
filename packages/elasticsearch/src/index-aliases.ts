/**
 * Every index is used through an alias of its configured name (design §4): `whatsapp_messages` is an
 * alias over `whatsapp_messages-000001`, so a later migration (`npm run ops -- migrate-index`) copies
 * into a new index and moves the alias, and nobody reading or writing the name notices.
 *
 * At startup each name is either absent (created as `<name>-000001` with the alias), an alias
 * (kept), or a concrete index (an older deployment's, or the original single-service version's).
 * Each index behind it is checked against the template: missing fields are added in place; a field
 * of another type stops the start with an error naming the index, the field, its type, the type
 * it must have, and the command that fixes it.
 */
import type { Client } from "@elastic/elasticsearch";
import { checkMapping, type FieldMapping, type MappingConflict } from "./mapping-check.ts";

export type IndexState = { kind: "absent" } | { kind: "alias"; indices: string[] } | { kind: "index" };

export interface PreparedIndex {
  readonly name: string;
  /** `created` and `alias`: used through the alias; `index`: a concrete index of that name, compatible. */
  readonly kind: "created" | "alias" | "index";
  readonly indices: readonly string[];
  /** Template fields added to an existing index in place. */
  readonly added: readonly string[];
}

export interface TemplateMappings {
  readonly settings?: Record<string, unknown>;
  readonly mappings: Record<string, unknown>;
}

/** The first concrete index behind the alias `name`. */
export function firstIndexName(name: string): string {
  return `${name}-000001`;
}

/** `7` for `<name>-000007`; undefined for any other index. */
export function generationOf(name: string, index: string): number | undefined {
  const suffix = index.startsWith(`${name}-`) ? index.slice(name.length + 1) : "";
  return /^\d{6}$/.test(suffix) ? Number(suffix) : undefined;
}

/** The generation after the highest `<name>-NNNNNN` among `existing`. */
export function nextIndexName(name: string, existing: readonly string[]): string {
  const generations = existing.flatMap((index) => generationOf(name, index) ?? []);
  const next = generations.length === 0 ? 1 : Math.max(...generations) + 1;
  return `${name}-${String(next).padStart(6, "0")}`;
}

export async function indexState(client: Client, name: string): Promise<IndexState> {
  if (!(await client.indices.exists({ index: name }))) return { kind: "absent" };
  if (!(await client.indices.existsAlias({ name }))) return { kind: "index" };
  return { kind: "alias", indices: Object.keys(await client.indices.getAlias({ name })).sort() };
}

/** An index (or the indices behind an alias) whose mapping contradicts its template. */
export class IndexMappingError extends Error {
  override readonly name = "IndexMappingError";
  readonly index: string;
  /** One line per problem, e.g. `index whatsapp_messages: field chat_id is text, must be keyword`. */
  readonly problems: readonly string[];
  /** The command that fixes it. */
  readonly fix: string;

  constructor(index: string, problems: readonly string[], fix: string, concrete: boolean) {
    const lines = problems.map((p) => `  ${p}`);
    const why = concrete
      ? `${index} is a concrete index (the single-service version created it by dynamic mapping?): the pipeline needs it rebuilt from its template, and then uses ${index} as an alias.`
      : `a field's type can never change in place: the index must be rebuilt from its template.`;
    super(
      [
        `${index} does not match its index template:`,
        ...lines,
        why,
        `Fix (${concrete ? "stop the workers first; " : ""}every document is copied, counts are checked, then ${index} points to the new index):`,
        `  ${fix}`,
      ].join("\n"),
    );
    this.index = index;
    this.problems = problems;
    this.fix = fix;
  }
}

export async function prepareIndex(client: Client, name: string, template: TemplateMappings): Promise<PreparedIndex> {
  const state = await indexState(client, name);
  if (state.kind === "absent") {
    try {
      await client.indices.create({ index: firstIndexName(name), aliases: { [name]: { is_write_index: true } }, wait_for_active_shards: 1 });
      return { name, kind: "created", indices: [firstIndexName(name)], added: [] };
    } catch (error) {
      // Another replica starting at the same moment created it first: check what is there now.
      if ((error as { body?: { error?: { type?: string } } }).body?.error?.type !== "resource_already_exists_exception") throw error;
      return prepareIndex(client, name, template);
    }
  }
  const indices = state.kind === "alias" ? state.indices : [name];
  const mappings = await client.indices.getMapping({ index: indices });
  const conflicts: Array<MappingConflict & { index: string }> = [];
  const added = new Set<string>();
  for (const index of indices) {
    const check = checkMapping(template.mappings as { properties?: Record<string, FieldMapping> }, mappings[index]?.mappings as { properties?: Record<string, FieldMapping> } | undefined);
    conflicts.push(...check.conflicts.map((c) => ({ ...c, index })));
    for (const field of check.missing) added.add(field);
  }
  const refuse = async (problems: string[]) => {
    const fix = `npm run ops -- migrate-index ${name} ${nextIndexName(name, await indicesLike(client, name))}`;
    return new IndexMappingError(name, problems, fix, state.kind === "index");
  };
  if (conflicts.length > 0) throw await refuse(conflicts.map((c) => `index ${c.index}: field ${c.field} is ${c.actual}, must be ${c.expected}`));
  // Fields the index lacks are added (a put-mapping only ever adds), so new documents get the
  // template's types rather than dynamic ones.
  if (added.size > 0) {
    try {
      await client.indices.putMapping({ index: indices, ...(template.mappings as object) });
    } catch (error) {
      const reason = (error as { body?: { error?: { reason?: string } } }).body?.error?.reason;
      if (!reason) throw error;
      throw await refuse([`the template's fields ${[...added].join(", ")} cannot be added: ${reason}`]);
    }
  }
  return { name, kind: state.kind, indices, added: [...added] };
}

/** Concrete indices named `<name>-*`. */
export async function indicesLike(client: Client, name: string): Promise<string[]> {
  const found = await client.indices.get({ index: `${name}-*`, allow_no_indices: true, ignore_unavailable: true, expand_wildcards: "all" });
  return Object.keys(found);
}

/**
 * Deletes indices by their configured names: an alias's indices are deleted (Elasticsearch refuses
 * to delete an alias by name), concrete ones as they are, absent ones are skipped. For tests and
 * benchmarks cleaning up after themselves.
 */
export async function deleteIndices(client: Client, names: readonly string[]): Promise<void> {
  const concrete = new Set<string>();
  for (const name of names) {
    const state = await indexState(client, name);
    if (state.kind === "alias") for (const index of state.indices) concrete.add(index);
    else if (state.kind === "index") concrete.add(name);
  }
  if (concrete.size > 0) await client.indices.delete({ index: [...concrete], ignore_unavailable: true });
}
