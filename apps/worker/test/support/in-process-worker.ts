/** The worker's own assembly, run in the test process against a test stack. */
import type { PubSub } from "@google-cloud/pubsub";
import type { ElasticsearchClient } from "@periskope-pipeline/elasticsearch";
import { createLogger, createMetricsRegistry } from "@periskope-pipeline/observability";
import { createWorkerMetrics, type WorkerMetrics } from "../../src/metrics.ts";
import { createWorkerPeriskopeClient } from "../../src/periskope-client.ts";
import { createWorker, type Worker } from "../../src/worker.ts";
import type { TestStack } from "./test-stack.ts";

export const TEST_API_KEY = "sk_periskope_test";

export interface RunningWorker extends Worker {
  readonly metrics: WorkerMetrics;
  metricValue(name: string, labels?: Record<string, string>): Promise<number>;
}

export interface WorkerOptions {
  readonly overrides?: Record<string, string>;
  /** Simulator base URL (`…/v1`); none = no API tier. */
  readonly apiUrl?: string;
  readonly phone?: string;
  readonly fillDelayMs?: number;
  /** Clients of the worker's own (another replica's); default: the stack's. */
  readonly clients?: { readonly es: ElasticsearchClient; readonly pubsub: PubSub };
}

export function startWorker(stack: TestStack, options: WorkerOptions = {}): RunningWorker {
  const config = stack.config(options.overrides);
  const registry = createMetricsRegistry("worker", { defaultMetrics: false });
  const metrics = createWorkerMetrics(registry);
  const log = createLogger({ service: "worker-test", level: config.LOG_LEVEL });
  // The client main.ts builds, pointed at the simulator.
  const periskope = options.apiUrl
    ? createWorkerPeriskopeClient(
        { ...config, PERISKOPE_API_URL: options.apiUrl, PERISKOPE_API_KEY: TEST_API_KEY, PERISKOPE_PHONES: options.phone ? [options.phone] : config.PERISKOPE_PHONES },
        (a) => metrics.apiCalls.inc({ operation: a.operation, status: a.outcome }),
      )
    : undefined;
  const worker = createWorker({ settings: config, es: options.clients?.es ?? stack.es, pubsub: options.clients?.pubsub ?? stack.pubsub, periskope, log, metrics, ...(options.fillDelayMs !== undefined ? { fillDelayMs: options.fillDelayMs } : {}) });
  worker.start();
  return {
    ...worker,
    metrics,
    async metricValue(name, labels = {}) {
      const metric = registry.getSingleMetric(name);
      if (!metric) throw new Error(`no metric ${name}`);
      const { values } = await metric.get();
      return values
        .filter((v) => Object.entries(labels).every(([k, want]) => String((v.labels as Record<string, unknown>)[k]) === want))
        // Counters and gauges have one series per label set; histograms count observations.
        .filter((v) => {
          const series = (v as { metricName?: string }).metricName;
          return series === undefined || series === name || series.endsWith("_count");
        })
        .reduce((sum, v) => sum + v.value, 0);
    },
  };
}
