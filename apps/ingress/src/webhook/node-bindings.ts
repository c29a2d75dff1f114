/**
 * Node's own request object when the app is served by @hono/node-server (its documented
 * `HttpBindings`), or undefined under `app.request()` in tests. The webhook route reads headers and
 * body from it directly: plain property lookups instead of a `Headers` wrapper per request.
 */
import type { IncomingMessage } from "node:http";
import type { Context } from "hono";

export function nodeRequest(c: Context): IncomingMessage | undefined {
  return (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
}

/** A request header: from Node's parsed headers when available, else the Web request. */
export function headerOf(c: Context, incoming: IncomingMessage | undefined, name: string): string | undefined {
  if (incoming === undefined) return c.req.header(name);
  const value = incoming.headers[name];
  return typeof value === "string" ? value : value?.join(", ");
}
