import { createMetricsRegistry } from "@periskope-pipeline/observability";
import { afterEach, describe, expect, it } from "vitest";
import { createWorkerMetrics } from "./metrics.ts";
import { startMetricsServer, type MetricsServer } from "./metrics-server.ts";

let server: MetricsServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("metrics server", () => {
  it("serves the worker metrics, liveness and readiness", async () => {
    const registry = createMetricsRegistry("worker", { defaultMetrics: false });
    const metrics = createWorkerMetrics(registry);
    metrics.messages.inc({ outcome: "indexed" }, 3);
    let ready = false;
    server = await startMetricsServer({ registry, ready: () => ready, port: 0, host: "127.0.0.1" });
    const base = `http://127.0.0.1:${server.port}`;

    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toContain('worker_messages_total{outcome="indexed",service="worker"} 3');
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(503);
    ready = true;
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    expect((await fetch(`${base}/nope`)).status).toBe(404);
  });
});

describe("createWorkerMetrics", () => {
  it("declares the metrics the issue asks for", async () => {
    const registry = createMetricsRegistry("worker", { defaultMetrics: false });
    createWorkerMetrics(registry);
    const names = (await registry.getMetricsAsJSON()).map((m) => m.name);
    for (const name of [
      "worker_messages_total",
      "worker_batch_size",
      "worker_batch_duration_seconds",
      "worker_chat_name_lookups_total",
      "worker_periskope_api_calls_total",
      "worker_chat_name_single_flight_joins_total",
      "worker_dead_letters_total",
      "worker_end_to_end_lag_seconds",
    ]) {
      expect(names).toContain(name);
    }
  });
});
