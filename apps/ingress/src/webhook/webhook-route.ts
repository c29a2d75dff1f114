/**
 * `POST /periskopewebhook` (design §2), on the request's own thread: cheap header checks (draining,
 * declared size, media type, publishes in flight: refusing before reading keeps memory bounded),
 * the body within MAX_BODY_BYTES, the signature over the raw bytes first (an unauthenticated sender
 * learns nothing about our validation), UTF-8, JSON and the envelope, then publish: 200 only once
 * Pub/Sub acknowledged. Every answer is an `Outcome` (outcomes.ts). Events the pipeline does not
 * handle are admitted: the worker decides. Responses use plain header objects, which the Node
 * adapter writes without building a `Headers`.
 */
import { isUtf8 } from "node:buffer";
import { parseEnvelope } from "@periskope-pipeline/contracts";
import type { Context } from "hono";
import type { Logger } from "@periskope-pipeline/observability";
import { isJsonContentType } from "../http/json-content-type.ts";
import { REQUEST_ID_HEADER, requestIdFrom } from "../http/request-id.ts";
import type { IngressMetrics } from "../metrics.ts";
import { isPublishError, type EventPublisher } from "../publishing/event-publisher.ts";
import type { Lifecycle } from "../server/lifecycle.ts";
import { eventMessage } from "./event-message.ts";
import { eventTypeLabelIndex } from "./event-type-label.ts";
import { headerOf, nodeRequest } from "./node-bindings.ts";
import { OUTCOMES, type Outcome } from "./outcomes.ts";
import { readBodyWithin } from "./read-body.ts";
import { SIGNATURE_HEADER, type SignatureVerifier } from "./signature.ts";

export interface WebhookRouteOptions {
  /** The events topic. */
  readonly publisher: EventPublisher;
  /** null: signature verification explicitly disabled (emulator only, see config.ts). */
  readonly verify: SignatureVerifier | null;
  readonly lifecycle: Lifecycle;
  readonly metrics: IngressMetrics;
  readonly log: Logger;
  readonly maxBodyBytes: number;
  /** Publishes awaiting Pub/Sub past which new webhooks get 503 at once. */
  readonly maxInFlight: number;
  readonly retryAfterSeconds: number;
}

const SIGNATURE_OUTCOMES = { missing: OUTCOMES.signature_missing, malformed: OUTCOMES.signature_malformed, mismatch: OUTCOMES.signature_mismatch } as const;

export function webhookHandler(options: WebhookRouteOptions): (c: Context) => Promise<Response> {
  const { publisher, verify, lifecycle, metrics, log, maxBodyBytes, maxInFlight } = options;
  const retryAfter = String(options.retryAfterSeconds);

  function answer(outcome: Outcome, requestId: string): Response {
    metrics.webhookAnswered(outcome);
    const headers: Record<string, string> = { "content-type": "application/json", [REQUEST_ID_HEADER]: requestId };
    if (outcome.status === 503) {
      headers["retry-after"] = retryAfter;
      // Ask kept-alive senders to reconnect elsewhere while this instance drains.
      if (lifecycle.draining) headers.connection = "close";
    } else if (outcome.status !== 200) {
      log.info({ event: "WebhookRejected", stage: "intake", code: outcome.code, status: outcome.status, request_id: requestId }, "webhook rejected");
    }
    return new Response(outcome.body, { status: outcome.status, headers });
  }

  return async (c) => {
    const incoming = nodeRequest(c);
    const requestId = requestIdFrom(headerOf(c, incoming, REQUEST_ID_HEADER));
    if (lifecycle.draining) return answer(OUTCOMES.shutting_down, requestId);
    const declaredLength = headerOf(c, incoming, "content-length");
    if (declaredLength !== undefined && Number(declaredLength) > maxBodyBytes) return answer(OUTCOMES.body_too_large, requestId);
    if (!isJsonContentType(headerOf(c, incoming, "content-type"))) return answer(OUTCOMES.unsupported_media_type, requestId);
    if (publisher.inFlight >= maxInFlight) return answer(OUTCOMES.overloaded, requestId);

    const receivedAt = Date.now();
    const body = await readBodyWithin(c.req, incoming, maxBodyBytes);
    if (body === "too_large") return answer(OUTCOMES.body_too_large, requestId);
    if (body === "unreadable") return answer(OUTCOMES.body_unreadable, requestId);

    if (verify !== null) {
      const check = verify(body, headerOf(c, incoming, SIGNATURE_HEADER));
      if (check !== "valid") return answer(SIGNATURE_OUTCOMES[check], requestId);
    }
    // JSON.parse would silently turn broken UTF-8 into U+FFFD while we publish the broken bytes.
    if (!isUtf8(body)) return answer(OUTCOMES.invalid_encoding, requestId);
    const parsed = parseEnvelope(body);
    if (!parsed.ok) return answer(OUTCOMES[parsed.code], requestId);
    const { eventType } = parsed.envelope;
    metrics.eventAdmitted(eventTypeLabelIndex(eventType));

    // Checked again: the bound may have filled while this body was read.
    if (publisher.inFlight >= maxInFlight) return answer(OUTCOMES.overloaded, requestId);
    try {
      await publisher.publish(eventMessage(body, eventType, requestId, new Date(receivedAt).toISOString()));
      return answer(OUTCOMES.accepted, requestId);
    } catch (error) {
      return answer(unavailableOutcome(error), requestId);
    }
  };
}

/** How a failed publish ends for the sender: always a 503, with a code saying why. */
function unavailableOutcome(error: unknown): Outcome {
  if (!isPublishError(error)) return OUTCOMES.publish_unavailable;
  if (error.code === "timeout") return OUTCOMES.publish_timeout;
  if (error.code === "closed") return OUTCOMES.shutting_down;
  return error.retryable ? OUTCOMES.publish_unavailable : OUTCOMES.publish_misconfigured;
}
