/**
 * The fields each index template maps (the templates @periskope-pipeline/elasticsearch ships), flattened to the
 * dotted names Kibana uses: object properties (`dead_letter.error_kind`) and multi-fields
 * (`chat_name.keyword`), with their types.
 */
import { readdirSync, readFileSync } from "node:fs";
import { DEFAULT_TEMPLATES_DIR } from "@periskope-pipeline/elasticsearch";

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
  return readdirSync(DEFAULT_TEMPLATES_DIR)
    .filter((f) => f.endsWith(".template.json"))
    .map((file) => {
      const template = JSON.parse(readFileSync(`${DEFAULT_TEMPLATES_DIR}${file}`, "utf8")) as { _meta: { default_index: string }; template: { mappings: Mapping } };
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
