/**
 * An index's mapping read against its template (design §4): which fields have another type than
 * the template says (a conflict: a mapped type can never change, the index must be migrated), and
 * which the index lacks (added in place with a put-mapping).
 *
 * The case it exists for: the original single-service version let Elasticsearch map its indices
 * dynamically, so `chat_id` became `text` (+ `.keyword`), and terms aggregations or keyword queries
 * on it fail late and obscurely. Only the template's fields are compared; whatever else an old
 * index holds stays in `_source` and is not in the way.
 */

export interface FieldMapping {
  readonly type?: string;
  readonly properties?: Readonly<Record<string, FieldMapping>>;
  /** Multi-fields, e.g. `chat_name.keyword`. */
  readonly fields?: Readonly<Record<string, FieldMapping>>;
}

export interface MappingConflict {
  /** Dotted path, e.g. `chat_id` or `media.size`. */
  readonly field: string;
  readonly actual: string;
  readonly expected: string;
}

export interface MappingCheck {
  readonly conflicts: MappingConflict[];
  /** Template fields the index does not map yet. */
  readonly missing: string[];
}

export function checkMapping(template: { properties?: Readonly<Record<string, FieldMapping>> }, actual: { properties?: Readonly<Record<string, FieldMapping>> } | undefined): MappingCheck {
  const result: MappingCheck = { conflicts: [], missing: [] };
  compare(template.properties ?? {}, actual?.properties ?? {}, "", result);
  return result;
}

/** Objects carry no `type` in a mapping unless it was given (e.g. with `enabled: false`). */
function typeOf(field: FieldMapping): string {
  return field.type ?? "object";
}

function compare(expected: Readonly<Record<string, FieldMapping>>, actual: Readonly<Record<string, FieldMapping>>, prefix: string, result: MappingCheck): void {
  for (const [name, want] of Object.entries(expected)) {
    const path = `${prefix}${name}`;
    const have = actual[name];
    if (!have) {
      result.missing.push(path);
      continue;
    }
    if (typeOf(want) !== typeOf(have)) {
      result.conflicts.push({ field: path, actual: typeOf(have), expected: typeOf(want) });
      continue;
    }
    if (want.properties) compare(want.properties, have.properties ?? {}, `${path}.`, result);
    if (want.fields) compare(want.fields, have.fields ?? {}, `${path}.`, result);
  }
}
