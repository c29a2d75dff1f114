/**
 * Simulated connection loss. Needs the Node socket behind the request, so it works on a served
 * simulator (`startSimulator`), not through `app.request()`.
 */
import type { HttpBindings } from "@hono/node-server";
import { RESPONSE_ALREADY_SENT } from "@hono/node-server/utils/response";
import type { Context } from "hono";

export type SimulatorEnv = {
  Bindings: HttpBindings | undefined;
  /** Set by the guard when a fault says "answer as for an unknown chat". */
  Variables: { forceUnknownChat: boolean };
};

/** Destroys the socket before a single response byte is written. */
export function dropBeforeResponse(c: Context<SimulatorEnv>): Response {
  socketOf(c).destroy();
  return RESPONSE_ALREADY_SENT;
}

/**
 * Writes the status, the headers (with the full Content-Length) and half the body of `response`,
 * then destroys the socket: the "remote end closed connection" seen during long pulls (reference §3).
 */
export async function dropMidBody(c: Context<SimulatorEnv>, response: Response): Promise<Response> {
  const outgoing = c.env?.outgoing;
  if (!outgoing) throw new Error("simulated drop needs a served simulator (no Node response object)");
  const body = Buffer.from(await response.arrayBuffer());
  const headers: Record<string, string> = Object.fromEntries(response.headers);
  headers["content-length"] = String(body.length);
  outgoing.writeHead(response.status, headers);
  outgoing.write(body.subarray(0, Math.floor(body.length / 2)), () => socketOf(c).destroy());
  return RESPONSE_ALREADY_SENT;
}

function socketOf(c: Context<SimulatorEnv>) {
  const socket = c.env?.incoming?.socket;
  if (!socket) throw new Error("simulated drop needs a served simulator (no Node socket)");
  return socket;
}
