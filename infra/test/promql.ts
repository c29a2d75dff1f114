/**
 * Reads which metrics and labels a PromQL expression uses, enough to check a dashboard against the
 * metrics the apps register (selectors, label matchers, `by`/`without` grouping). Not a full parser:
 * the dashboards keep to plain selectors, aggregations, `rate`/`increase` and `histogram_quantile`.
 */
export interface PromqlUse {
  /** Metric name → label names matched on it in `{...}`. */
  readonly selectors: ReadonlyMap<string, readonly string[]>;
  /** Labels named in `by (...)` / `without (...)`. */
  readonly grouping: readonly string[];
}

const KEYWORDS = new Set(["by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "bool", "offset", "inf", "nan"]);

export function promqlUse(expr: string): PromqlUse {
  const selectors = new Map<string, string[]>();
  const grouping: string[] = [];
  let rest = expr.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  rest = rest.replace(/([A-Za-z_:][\w:]*)?\s*\{([^}]*)\}/g, (_, metric: string | undefined, matchers: string) => {
    const labels = [...matchers.matchAll(/([A-Za-z_]\w*)\s*(?:=~|!~|!=|=)/g)].map((m) => m[1] ?? "");
    if (metric && !KEYWORDS.has(metric)) selectors.set(metric, [...(selectors.get(metric) ?? []), ...labels]);
    return " ";
  });
  rest = rest.replace(/\b(by|without|on|ignoring)\s*\(([^)]*)\)/g, (_, __, labels: string) => {
    grouping.push(...labels.split(",").map((l) => l.trim()).filter(Boolean));
    return " ";
  });
  rest = rest.replace(/\[[^\]]*\]/g, " ").replace(/\$\w+/g, " ");
  for (const m of rest.matchAll(/([A-Za-z_:][\w:]*)(\s*\()?/g)) {
    const name = m[1] ?? "";
    if (m[2] || KEYWORDS.has(name.toLowerCase())) continue;
    if (!selectors.has(name)) selectors.set(name, []);
  }
  return { selectors, grouping };
}
