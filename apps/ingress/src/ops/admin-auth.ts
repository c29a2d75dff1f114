/**
 * Bearer-token guard for the ops routes. With no `ADMIN_TOKEN` configured the routes are disabled
 * (403), never open. Tokens are compared through their SHA-256 digests with `timingSafeEqual`, so
 * neither the token's length nor its prefix leaks through response times.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import { ApiError } from "../http/api-error.ts";

const CHALLENGE = { "www-authenticate": 'Bearer realm="periskope-ingress-ops"' };

const digest = (value: string) => createHash("sha256").update(value, "utf8").digest();

export function requireAdminToken(adminToken: string | undefined): MiddlewareHandler {
  const expected = adminToken === undefined ? undefined : digest(adminToken);
  return async (c, next) => {
    if (expected === undefined) throw new ApiError(403, "ops_disabled", "ops routes are disabled: ADMIN_TOKEN is not configured");
    const header = c.req.header("authorization");
    const match = header === undefined ? null : /^Bearer[ ]+(\S+)\s*$/i.exec(header);
    if (!match) throw new ApiError(401, "unauthorized", "an `Authorization: Bearer <ADMIN_TOKEN>` header is required", CHALLENGE);
    if (!timingSafeEqual(digest(match[1] as string), expected)) throw new ApiError(401, "invalid_token", "the bearer token is not valid", CHALLENGE);
    await next();
  };
}
