/**
 * The ingress HTTP app (design §2), built from its dependencies so tests drive it with
 * `app.request()` and in-memory fakes, and `main.ts` with real clients.
 *
 * The webhook route carries no middleware: it is the hot path and does its own request id, metrics
 * and error bodies (see webhook-route.ts). Every other route goes through `observed(route)`.
 * `/metrics` is served here only without METRICS_PORT; with it, on its own port (`createMetricsApp`).
 *
 * @example
 * const app = createApp({ events, verify, commands, runs, lifecycle, registry, metrics, log, settings });
 * const response = await app.request("/healthz");
 */
import type { RunReader } from "@periskope-pipeline/commands";
import { Hono, type MiddlewareHandler } from "hono";
import type { Logger, Registry } from "@periskope-pipeline/observability";
import type { IngressConfig } from "./config.ts";
import { livenessHandler, metricsHandler, readinessHandler, rootHandler } from "./health/health-routes.ts";
import { createReadinessCheck } from "./health/readiness.ts";
import { ApiError, errorBody } from "./http/api-error.ts";
import { REQUEST_ID_HEADER, requestIdFrom } from "./http/request-id.ts";
import type { IngressMetrics } from "./metrics.ts";
import { requireAdminToken } from "./ops/admin-auth.ts";
import { getCommandHandler, postCommandHandler } from "./ops/commands-routes.ts";
import type { OpsContext } from "./ops/ops-context.ts";
import { refreshCacheHandler } from "./ops/refresh-cache-route.ts";
import type { EventPublisher } from "./publishing/event-publisher.ts";
import { WEBHOOK_ROUTE } from "./routes.ts";
import type { Lifecycle } from "./server/lifecycle.ts";
import { webhookHandler } from "./webhook/webhook-route.ts";
import type { SignatureVerifier } from "./webhook/signature.ts";

type SettingName = "MAX_BODY_BYTES" | "PUBLISH_MAX_IN_FLIGHT" | "RETRY_AFTER_SECONDS" | "READINESS_CACHE_MS" | "ADMIN_TOKEN" | "METRICS_PORT";
export type AppSettings = Pick<IngressConfig, SettingName | "REFRESH_CACHE_WAIT_SECONDS" | "COMMAND_WAIT_MAX_SECONDS" | "COMMAND_POLL_INTERVAL_MS">;

export interface AppDependencies {
  /** Publisher of the events topic. */
  readonly events: EventPublisher;
  /** null: signature verification explicitly disabled (emulator only, see config.ts). */
  readonly verify: SignatureVerifier | null;
  /** Publisher of the commands topic. */
  readonly commands: EventPublisher;
  readonly runs: RunReader;
  readonly lifecycle: Lifecycle;
  readonly registry: Registry;
  readonly metrics: IngressMetrics;
  readonly log: Logger;
  readonly settings: AppSettings;
}

export type IngressEnv = { Variables: { requestId: string } };

export function createApp(deps: AppDependencies): Hono<IngressEnv> {
  const { events, lifecycle, metrics, log, settings } = deps;
  const app = new Hono<IngressEnv>();

  /** Request id on the response, and the request counted under its route pattern. */
  const observed =
    (route: string): MiddlewareHandler<IngressEnv> =>
    async (c, next) => {
      const requestId = requestIdFrom(c.req.header(REQUEST_ID_HEADER));
      c.set("requestId", requestId);
      await next();
      c.res.headers.set(REQUEST_ID_HEADER, requestId);
      metrics.requestAnswered(route, c.res.status);
    };

  const { MAX_BODY_BYTES: maxBodyBytes, PUBLISH_MAX_IN_FLIGHT: maxInFlight, RETRY_AFTER_SECONDS: retryAfterSeconds } = settings;
  app.post(WEBHOOK_ROUTE, webhookHandler({ publisher: events, verify: deps.verify, lifecycle, metrics, log, maxBodyBytes, maxInFlight, retryAfterSeconds }));

  app.get("/", observed("/"), rootHandler);
  app.get("/healthz", observed("/healthz"), livenessHandler);
  app.get("/readyz", observed("/readyz"), readinessHandler(createReadinessCheck(() => events.probe(), lifecycle, settings.READINESS_CACHE_MS)));
  if (settings.METRICS_PORT === undefined) app.get("/metrics", observed("/metrics"), metricsHandler(deps.registry));

  const ops: OpsContext = {
    ...{ commands: deps.commands, runs: deps.runs, lifecycle, metrics, log, retryAfterSeconds },
    ...{ refreshWaitSeconds: settings.REFRESH_CACHE_WAIT_SECONDS, waitMaxSeconds: settings.COMMAND_WAIT_MAX_SECONDS, pollIntervalMs: settings.COMMAND_POLL_INTERVAL_MS },
  };
  const admin = requireAdminToken(settings.ADMIN_TOKEN, { metrics, log });
  app.get("/refresh-cache", observed("/refresh-cache"), admin, refreshCacheHandler(ops));
  app.post("/commands", observed("/commands"), admin, postCommandHandler(ops));
  app.get("/commands/:id", observed("/commands/:id"), admin, getCommandHandler(ops));

  app.notFound((c) => {
    metrics.requestAnswered("unmatched", 404);
    return c.json(errorBody("not_found", `no route for ${c.req.method} ${c.req.path}`), 404, { [REQUEST_ID_HEADER]: requestIdFrom(c.req.header(REQUEST_ID_HEADER)) });
  });

  app.onError((error, c) => {
    if (error instanceof ApiError) return error.getResponse();
    log.error({ event: "RequestFailed", stage: "http", code: "internal_error", path: c.req.path, err: error }, "unhandled error");
    const requestId = c.get("requestId") ?? requestIdFrom(c.req.header(REQUEST_ID_HEADER));
    // Routes without the `observed` middleware are counted here.
    if (c.get("requestId") === undefined) metrics.requestAnswered(c.req.routePath || "unmatched", 500);
    return c.json(errorBody("internal_error", "unexpected error"), 500, { [REQUEST_ID_HEADER]: requestId });
  });

  return app;
}

/** `/metrics` alone, for its own port (METRICS_PORT): scraped by the platform's collector, not public. */
export function createMetricsApp(registry: Registry): Hono {
  return new Hono().get("/metrics", metricsHandler(registry));
}
