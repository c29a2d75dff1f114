/**
 * Request ids: the caller's `x-request-id` is honoured when it is a plausible id (so a trace
 * spans Periskope, load balancer and ingress), otherwise a fresh UUID. The bound keeps a hostile
 * header out of logs and Pub/Sub attributes.
 */
import { randomUUID } from "node:crypto";

export const REQUEST_ID_HEADER = "x-request-id";

const PLAUSIBLE_ID = /^[A-Za-z0-9._:=-]{1,128}$/;

export function requestIdFrom(header: string | undefined): string {
  return header !== undefined && PLAUSIBLE_ID.test(header) ? header : randomUUID();
}
