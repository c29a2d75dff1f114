/**
 * The fields each index template maps (infra/elasticsearch/*.template.json), flattened to the
 * dotted names Kibana uses: object properties (`dead_letter.error_kind`) and multi-fields
 * (`chat_name.keyword`), with their types.
 */
import { readdirSync } from "node:fs";
import { readRepoJson, repoPath } from "./repo.ts";

interface Mapping {
  type?: string;
  properties?: Record<string, Mapping>;
  fields?: Record<string, Mapping>;
}

export interface IndexFields {
  /** Default index name, from the template's `_meta.default_index`. */
  readonly index: string;
  readonly fields: ReadonlyMap<string, string>;
}

export function templateFields(): IndexFields[] {
  return readdirSync(repoPath("infra/elasticsearch"))
    .filter((f) => f.endsWith(".template.json"))
    .map((file) => {
      const template = readRepoJson<{ _meta: { default_index: string }; template: { mappings: Mapping } }>(`infra/elasticsearch/${file}`);
      const fields = new Map<string, string>();
      const visit = (prefix: string, mapping: Mapping) => {
        for (const [name, child] of Object.entries(mapping.properties ?? {})) {
          const path = prefix ? `${prefix}.${name}` : name;
          fields.set(path, child.type ?? "object");
          for (const [sub, multi] of Object.entries(child.fields ?? {})) fields.set(`${path}.${sub}`, multi.type ?? "object");
          visit(path, child);
        }
      };
      visit("", template.template.mappings);
      return { index: template._meta.default_index, fields };
    });
}
