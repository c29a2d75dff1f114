/**
 * `GET /` (kept from the original service), `/healthz` (the process answers), `/readyz` (it can take
 * webhooks: topic reachable, not draining) and `/metrics` (Prometheus text).
 */
import type { Context } from "hono";
import type { Registry } from "@periskope-pipeline/observability";
import type { ReadinessResult } from "./readiness.ts";

export const rootHandler = (c: Context) => c.json({ message: "Webhook server is running" });

export const livenessHandler = (c: Context) => c.json({ status: "ok" });

export function readinessHandler(check: () => Promise<ReadinessResult>) {
  return async (c: Context) => {
    const result = await check();
    return result.ready ? c.json({ status: "ready" }) : c.json({ status: "not_ready", reason: result.reason }, 503);
  };
}

export function metricsHandler(registry: Registry) {
  return async (c: Context) => c.body(await registry.metrics(), 200, { "content-type": registry.contentType });
}
