/**
 * Every Prometheus series the apps can expose, enumerated by creating their metrics on fresh
 * registries (the apps' own factories, with Node's default metrics), so a dashboard check needs no
 * running process. Histograms contribute `_bucket` (with `le`), `_sum` and `_count`.
 */
import { createMetricsRegistry, type Registry } from "@periskope-pipeline/observability";
import { repoPath } from "./repo.ts";

export type SeriesCatalog = ReadonlyMap<string, readonly string[]>;

/** Metric factories of the apps: module, export name, registry service label. */
const FACTORIES = [
  { module: "apps/ingress/src/metrics.ts", factory: "createIngressMetrics", service: "ingress" },
  { module: "apps/worker/src/metrics.ts", factory: "createWorkerMetrics", service: "worker" },
  { module: "apps/worker/src/commands/command-metrics.ts", factory: "createCommandMetrics", service: "worker" },
] as const;

/** Labels Prometheus adds when scraping, and the registry's default label. */
export const SCRAPE_LABELS = ["service", "job", "instance", "pod", "namespace", "container"] as const;

export async function seriesCatalog(): Promise<SeriesCatalog> {
  const series = new Map<string, string[]>();
  for (const { module, factory, service } of FACTORIES) {
    const registry = createMetricsRegistry(service);
    const mod = (await import(repoPath(module))) as Record<string, (r: Registry) => unknown>;
    const create = mod[factory];
    if (typeof create !== "function") throw new Error(`${module} does not export ${factory}`);
    create(registry);
    for (const metric of await registry.getMetricsAsJSON()) {
      const labels = [...(((registry.getSingleMetric(metric.name) as unknown as { labelNames?: string[] }) ?? {}).labelNames ?? []), ...SCRAPE_LABELS];
      if (String(metric.type) === "histogram") {
        series.set(`${metric.name}_bucket`, [...labels, "le"]);
        series.set(`${metric.name}_sum`, labels);
        series.set(`${metric.name}_count`, labels);
      } else {
        series.set(metric.name, labels);
      }
    }
  }
  return series;
}
