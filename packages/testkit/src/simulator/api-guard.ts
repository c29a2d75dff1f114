/**
 * Everything that stands between an API request and its handler, in the order a real edge applies
 * it: latency, authentication (Bearer key + `x-phone`), the rate limit, then injected faults.
 * It also stamps the response headers the spec declares and counts the request.
 */
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { Context, MiddlewareHandler } from "hono";
import type { ContentfulStatusCode, StatusCode } from "hono/utils/http-status";
import { PLAN_INACTIVE_MESSAGE, rateLimited, unauthorized } from "./api-errors.ts";
import type { SimulatorController } from "./controller.ts";
import { dropBeforeResponse, dropMidBody, type SimulatorEnv } from "./drop-connection.ts";
import type { ApiRoute } from "./fault-plan.ts";
import type { FaultAction } from "./faults.ts";

/** What `X-RateLimit-*` say when no token bucket is configured: effectively unlimited. */
const UNLIMITED = 1000;

export function apiGuard(sim: SimulatorController, route: ApiRoute): MiddlewareHandler<SimulatorEnv> {
  const guarded = guard(sim, route);
  return async (c, next) => {
    sim.statsRecorder.begin();
    try {
      return await guarded(c, next);
    } finally {
      sim.statsRecorder.end();
    }
  };
}

function guard(sim: SimulatorController, route: ApiRoute): MiddlewareHandler<SimulatorEnv> {
  return async (c, next) => {
    const phone = c.req.header("x-phone")?.trim() ?? "";
    const chatId = route === "getChat" ? c.req.param("chatId") : undefined;
    if (chatId !== undefined) sim.statsRecorder.recordGetChat(chatId);
    else sim.statsRecorder.recordListChats(phone);
    const done = (response: Response, outcome = String(response.status)): Response => {
      sim.statsRecorder.record(route, outcome);
      return response;
    };

    c.header("x-periskope-trace-id", randomUUID());
    c.header("x-periskope-org-id", sim.orgId);
    const latency = sim.faultPlan.latencyMs();
    if (latency > 0) await sleep(latency);

    const auth = authenticate(c, sim, phone);
    if (auth instanceof Response) return done(auth);

    const nowMs = Date.now();
    const token = sim.takeToken(auth.key, nowMs);
    c.header("x-ratelimit-limit", String(token?.limit ?? UNLIMITED));
    c.header("x-ratelimit-remaining", String(token?.remaining ?? UNLIMITED));
    c.header("x-ratelimit-reset", String(token?.resetEpochSeconds ?? Math.ceil(nowMs / 1000) + 60));
    if (token && !token.allowed) {
      const retryAfterS = Math.max(1, Math.ceil(token.retryAfterMs / 1000));
      if (sim.faultPlan.tokenBucket?.retryAfter) c.header("retry-after", String(retryAfterS));
      else c.header("x-ratelimit-reset", String(Math.ceil(nowMs / 1000) + retryAfterS));
      return done(c.json(rateLimited(), 429));
    }

    const fault = sim.faultPlan.decide({ route, chatId, phone });
    c.set("forceUnknownChat", fault?.type === "unknown-chat");
    if (fault?.type === "drop" && fault.phase === "before-response") return done(dropBeforeResponse(c), "dropped");
    if (fault?.type === "delay") await sleep(fault.ms);
    const faulted = fault ? faultResponse(c, fault, nowMs) : undefined;
    if (faulted) return done(faulted);

    await next();
    if (fault?.type === "drop") {
      const sent = await dropMidBody(c, c.res);
      // Assigning over an existing response makes Hono copy it into a new object, losing the
      // "already sent" marker @hono/node-server looks for; clear it first so the marker survives.
      c.res = undefined;
      c.res = sent;
      sim.statsRecorder.record(route, "dropped");
      return;
    }
    sim.statsRecorder.record(route, String(c.res.status));
  };
}

function authenticate(c: Context<SimulatorEnv>, sim: SimulatorController, phone: string): Response | { key: string } {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header("authorization") ?? "");
  const key = match?.[1];
  if (key === undefined) return c.json(unauthorized("Missing API key: send Authorization: Bearer <api key>"), 401);
  if (sim.apiKey !== undefined && key !== sim.apiKey) return c.json(unauthorized("Invalid API key"), 401);
  if (sim.faultPlan.planInactive) return c.json(unauthorized(PLAN_INACTIVE_MESSAGE), 401);
  if (phone === "") return c.json(unauthorized("Missing x-phone header"), 401);
  if (!sim.phones.includes(phone)) return c.json(unauthorized(`Phone ${phone} is not connected to this organisation`), 401);
  return { key };
}

/** The response a fault replaces the normal answer with; undefined when the handler still runs. */
function faultResponse(c: Context<SimulatorEnv>, fault: FaultAction, nowMs: number): Response | undefined {
  switch (fault.type) {
    case "status": {
      for (const [name, value] of Object.entries(fault.headers ?? {})) c.header(name, value);
      if (fault.body === undefined) return c.body(null, fault.status as StatusCode);
      return c.json(fault.body, fault.status as ContentfulStatusCode);
    }
    case "rate-limit": {
      c.header("x-ratelimit-remaining", "0");
      const resetEpoch = Math.ceil(nowMs / 1000 + fault.seconds);
      c.header("x-ratelimit-reset", fault.reset === "epoch" ? String(resetEpoch) : String(Math.ceil(fault.seconds)));
      if (fault.retryAfter === "seconds") c.header("retry-after", String(Math.ceil(fault.seconds)));
      if (fault.retryAfter === "http-date") c.header("retry-after", new Date(resetEpoch * 1000).toUTCString());
      return c.json(rateLimited(), 429);
    }
    case "malformed":
      return c.body(fault.raw, 200, { "content-type": "application/json" });
    default:
      return undefined;
  }
}
