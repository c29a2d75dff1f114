/**
 * `POST /periskopewebhook` (design §2): cheap header checks first (shutdown, declared size, media
 * type, backpressure), then the body, then the intake (signature, envelope, publish). 200 only
 * after Pub/Sub acknowledged; every other answer is an `Outcome` with a JSON body naming the reason.
 *
 * This is the hot path, so responses are built directly from pre-serialised bodies with plain
 * header objects (the Node adapter writes those without building a `Headers`), and nothing here
 * allocates per request beyond the delivery itself.
 */
import type { Context } from "hono";
import type { Logger } from "@periskope-pipeline/observability";
import { isJsonContentType } from "../http/json-content-type.ts";
import { REQUEST_ID_HEADER, requestIdFrom } from "../http/request-id.ts";
import type { WebhookIntake } from "../intake/webhook-intake.ts";
import type { IngressMetrics } from "../metrics.ts";
import type { Lifecycle } from "../server/lifecycle.ts";
import { OUTCOMES, type Outcome } from "./outcomes.ts";
import { headerOf, nodeRequest } from "./node-bindings.ts";
import { readBodyWithin } from "./read-body.ts";
import { SIGNATURE_HEADER } from "./signature.ts";

export interface WebhookRouteOptions {
  readonly intake: WebhookIntake;
  readonly lifecycle: Lifecycle;
  readonly metrics: IngressMetrics;
  readonly log: Logger;
  readonly maxBodyBytes: number;
  /** Deliveries awaiting Pub/Sub past which new ones get 503 at once. */
  readonly maxInFlight: number;
  readonly retryAfterSeconds: number;
}

export function webhookHandler(options: WebhookRouteOptions): (c: Context) => Promise<Response> {
  const { intake, lifecycle, metrics, log, maxBodyBytes, maxInFlight } = options;
  const retryAfter = String(options.retryAfterSeconds);

  function answer(outcome: Outcome, requestId: string): Response {
    metrics.webhookAnswered(outcome);
    if (outcome.status === 200) {
      return new Response(outcome.body, { status: 200, headers: { "content-type": "application/json", [REQUEST_ID_HEADER]: requestId } });
    }
    if (outcome.status !== 503) {
      log.info({ event: "WebhookRejected", stage: "intake", code: outcome.code, status: outcome.status, request_id: requestId }, "webhook rejected");
      return new Response(outcome.body, { status: outcome.status, headers: { "content-type": "application/json", [REQUEST_ID_HEADER]: requestId } });
    }
    const headers: Record<string, string> = { "content-type": "application/json", [REQUEST_ID_HEADER]: requestId, "retry-after": retryAfter };
    // Ask kept-alive senders to reconnect elsewhere while this instance drains.
    if (lifecycle.draining) headers.connection = "close";
    return new Response(outcome.body, { status: 503, headers });
  }

  return async (c) => {
    const incoming = nodeRequest(c);
    const requestId = requestIdFrom(headerOf(c, incoming, REQUEST_ID_HEADER));
    if (lifecycle.draining) return answer(OUTCOMES.shutting_down, requestId);
    const declaredLength = headerOf(c, incoming, "content-length");
    if (declaredLength !== undefined && Number(declaredLength) > maxBodyBytes) return answer(OUTCOMES.body_too_large, requestId);
    if (!isJsonContentType(headerOf(c, incoming, "content-type"))) return answer(OUTCOMES.unsupported_media_type, requestId);
    // Backpressure before reading: refusing costs nothing and memory stays bounded.
    if (intake.inFlight >= maxInFlight) return answer(OUTCOMES.overloaded, requestId);

    const body = await readBodyWithin(c.req, incoming, maxBodyBytes);
    if (body === "too_large") return answer(OUTCOMES.body_too_large, requestId);
    if (body === "unreadable") return answer(OUTCOMES.body_unreadable, requestId);

    const outcome = await intake.submit({ body, signature: headerOf(c, incoming, SIGNATURE_HEADER), requestId, receivedAt: Date.now() });
    return answer(outcome, requestId);
  };
}
