/**
 * The Grafana dashboard parses and queries only series the apps register (and the one documented
 * external backlog metric), with labels those series carry.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { SCRAPE_LABELS, seriesCatalog, type SeriesCatalog } from "./metrics-catalog.ts";
import { promqlUse } from "./promql.ts";
import { readRepoJson } from "./repo.ts";

/** Not produced by the apps: Pub/Sub's backlog, from Cloud Monitoring via the stackdriver_exporter. */
const EXTERNAL_SERIES: SeriesCatalog = new Map([
  ["stackdriver_pubsub_subscription_pubsub_googleapis_com_subscription_num_undelivered_messages", ["subscription_id", "project_id", ...SCRAPE_LABELS]],
]);

interface Panel {
  title: string;
  type: string;
  targets?: { expr: string }[];
}

const dashboard = readRepoJson<{ title: string; panels: Panel[]; templating: unknown }>("infra/grafana/periskope-pipeline.json");
const queries = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })));

let catalog: SeriesCatalog;
beforeAll(async () => {
  catalog = await seriesCatalog();
});

describe("Grafana dashboard", () => {
  it("parses and has query panels", () => {
    expect(dashboard.title).toBeTruthy();
    expect(queries.length).toBeGreaterThan(10);
  });

  it("queries only series the apps register, with labels they carry", () => {
    const problems: string[] = [];
    for (const { panel, expr } of queries) {
      const use = promqlUse(expr);
      for (const [metric, labels] of use.selectors) {
        const known = catalog.get(metric) ?? EXTERNAL_SERIES.get(metric);
        if (!known) {
          problems.push(`${panel}: unknown series ${metric}`);
          continue;
        }
        for (const label of labels) if (!known.includes(label)) problems.push(`${panel}: ${metric} has no label ${label}`);
      }
      const usable = [...use.selectors.keys()].flatMap((m) => catalog.get(m) ?? EXTERNAL_SERIES.get(m) ?? []);
      for (const label of use.grouping) if (!usable.includes(label)) problems.push(`${panel}: grouping label ${label} is on none of its series`);
    }
    expect(problems).toEqual([]);
  });

  it("covers throughput, publish and end-to-end latency, cache hits per tier, API calls by status and backlog", () => {
    const all = queries.map((q) => q.expr).join("\n");
    for (const needle of [
      "worker_messages_total",
      "ingress_http_requests_total",
      "ingress_publish_duration_seconds_bucket",
      "worker_end_to_end_lag_seconds_bucket",
      "worker_chat_name_lookups_total",
      "worker_periskope_api_calls_total",
      "num_undelivered_messages",
    ]) {
      expect(all).toContain(needle);
    }
  });

  it("would reject a panel querying a metric nobody produces", () => {
    const use = promqlUse("sum(rate(worker_messages_indexed_total[5m]))");
    expect(catalog.has([...use.selectors.keys()][0] ?? "")).toBe(false);
  });
});
