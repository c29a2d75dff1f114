/**
 * The simulator's Hono app: the API under `/v1`, the control API under `/__control`.
 *
 * @example
 * ```ts
 * const sim = new SimulatorController({ chats: 10 });
 * const app = createSimulatorApp(sim);
 * const res = await app.request("/v1/chats?offset=0&limit=5", {
 *   headers: { authorization: "Bearer k", "x-phone": sim.phones[0] },
 * });
 * ```
 */
import { Hono } from "hono";
import { notFound } from "./api-errors.ts";
import { apiRoutes } from "./api-routes.ts";
import { controlRoutes } from "./control-routes.ts";
import type { SimulatorController } from "./controller.ts";
import type { SimulatorEnv } from "./drop-connection.ts";

export function createSimulatorApp(sim: SimulatorController): Hono<SimulatorEnv> {
  const app = new Hono<SimulatorEnv>();
  app.route("/v1", apiRoutes(sim));
  app.route("/__control", controlRoutes(sim));
  app.notFound((c) => {
    if (c.req.path.startsWith("/v1/")) sim.statsRecorder.record("unmatched", "404");
    return c.json(notFound(`No route ${c.req.method} ${c.req.path}`), 404);
  });
  app.onError((err, c) => c.json({ code: "INTERNAL_SERVER_ERROR", message: err.message }, 500));
  return app;
}
