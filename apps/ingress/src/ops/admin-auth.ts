/**
 * Bearer-token guard for the ops routes. With no `ADMIN_TOKEN` configured the routes are disabled
 * (403), never open. Tokens are compared through their SHA-256 digests with `timingSafeEqual`, so
 * neither the token's length nor its prefix leaks through response times.
 *
 * A refused call is counted and logged with the route and the caller's address, never with what
 * it sent: a near-miss token in a log is a leaked token.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import type { Logger } from "@periskope-pipeline/observability";
import { ApiError } from "../http/api-error.ts";
import type { IngressMetrics } from "../metrics.ts";
import { nodeRequest } from "../webhook/node-bindings.ts";

const CHALLENGE = { "www-authenticate": 'Bearer realm="periskope-ingress-ops"' };

const digest = (value: string) => createHash("sha256").update(value, "utf8").digest();

export function requireAdminToken(adminToken: string | undefined, { metrics, log }: { metrics: IngressMetrics; log: Logger }): MiddlewareHandler {
  const expected = adminToken === undefined ? undefined : digest(adminToken);
  return async (c, next) => {
    if (expected === undefined) throw new ApiError(403, "ops_disabled", "ops routes are disabled: ADMIN_TOKEN is not configured");
    const header = c.req.header("authorization");
    const match = header === undefined ? null : /^Bearer[ ]+(\S+)\s*$/i.exec(header);
    const reason = !match ? "missing" : timingSafeEqual(digest(match[1] as string), expected) ? null : "invalid";
    if (reason !== null) {
      metrics.adminAuthFailed(reason);
      log.warn(
        { event: "AdminAuthFailed", stage: "ops", code: reason === "missing" ? "unauthorized" : "invalid_token", path: c.req.path, remote_address: nodeRequest(c)?.socket.remoteAddress },
        "ops call refused: missing or wrong admin token",
      );
      if (reason === "missing") throw new ApiError(401, "unauthorized", "an `Authorization: Bearer <ADMIN_TOKEN>` header is required", CHALLENGE);
      throw new ApiError(401, "invalid_token", "the bearer token is not valid", CHALLENGE);
    }
    await next();
  };
}
