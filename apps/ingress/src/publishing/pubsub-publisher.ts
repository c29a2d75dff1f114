/**
 * Publishes to a Pub/Sub topic with the client library's own batching: `topic.publishMessage` per
 * message, batches closed by count, bytes or `maxMilliseconds`, one Publish request per batch.
 *
 * Protocol facts this relies on:
 * - The library passes `gaxOpts.timeout` to gax, which makes it the Publish call's total retry
 *   budget: retryable codes (UNAVAILABLE, ABORTED, …) are retried with backoff inside it, never
 *   beyond. A message waits at most `maxMilliseconds` for its batch, so the call gets the rest of
 *   the message's timeout and the whole publish settles within `timeoutMs`.
 * - A failed request fails every message of its batch with the same error object, so the failure
 *   log below writes one line per request, not per webhook: an outage cannot flood the logs.
 *
 * @example
 * const publisher = new PubSubPublisher(pubsub, { topic: "periskope-events", batching, timeoutMs: 10_000 });
 * await publisher.publish({ data: raw, attributes });
 */
import type { PubSub, Topic } from "@google-cloud/pubsub";
import type { Logger } from "@periskope-pipeline/observability";
import { PublishError, type EventPublisher, type OutboundMessage, type PublishErrorCode } from "./event-publisher.ts";

export interface BatchSettings {
  readonly maxMessages: number;
  readonly maxBytes: number;
  readonly maxMilliseconds: number;
}

export interface PubSubPublisherOptions {
  /** Topic name (short form, in the client's project). */
  readonly topic: string;
  readonly batching: BatchSettings;
  /** From `publish` to acknowledgement, retries included. */
  readonly timeoutMs: number;
  /** Deadline of a readiness probe (GetTopic). */
  readonly probeTimeoutMs?: number;
  /** Where failed publish requests are logged (once per request). */
  readonly log?: Logger;
  /** Told about every message once it settled. */
  readonly observe?: ((seconds: number, error: PublishError | null) => void) | undefined;
}

export class PubSubPublisher implements EventPublisher {
  readonly #topic: Topic;
  readonly #probeTimeoutMs: number;
  readonly #observe: PubSubPublisherOptions["observe"];
  readonly #failed: ((error: PublishError, cause: unknown) => void) | undefined;
  #inFlight = 0;
  #closed = false;

  constructor(pubsub: PubSub, options: PubSubPublisherOptions) {
    const { batching, timeoutMs } = options;
    this.#topic = pubsub.topic(options.topic, {
      batching,
      gaxOpts: { timeout: Math.max(1, timeoutMs - batching.maxMilliseconds) },
    });
    this.#probeTimeoutMs = options.probeTimeoutMs ?? 2_000;
    this.#observe = options.observe;
    this.#failed = options.log && publishFailureLog(options.log, options.topic);
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  publish(message: OutboundMessage): Promise<string> {
    if (this.#closed) return Promise.reject(new PublishError("closed", "publisher is closed"));
    this.#inFlight++;
    const started = performance.now();
    return new Promise((resolve, reject) => {
      // The callback form: no promise of the library's on top of ours.
      this.#topic.publishMessage(message as { data: Buffer; attributes: Record<string, string> }, (error, messageId) => {
        this.#inFlight--;
        const failure = error ? classifyGrpcError(error) : null;
        this.#observe?.((performance.now() - started) / 1000, failure);
        if (!failure) return resolve(messageId as string);
        this.#failed?.(failure, error);
        reject(failure);
      });
    });
  }

  flush(): Promise<void> {
    return this.#topic.flush();
  }

  async probe(): Promise<void> {
    try {
      await this.#topic.getMetadata({ timeout: this.#probeTimeoutMs, retry: null });
    } catch (error) {
      throw classifyGrpcError(error);
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.flush();
  }
}

/** gRPC status codes (grpc/status.proto) that are not "unavailable" (UNAVAILABLE, ABORTED, INTERNAL, …). */
const GRPC_CODES: Readonly<Record<number, PublishErrorCode>> = {
  3: "invalid_message", // INVALID_ARGUMENT (e.g. too large)
  4: "timeout", // DEADLINE_EXCEEDED (also gax's "total timeout exceeded")
  5: "topic_not_found",
  7: "permission_denied",
  8: "overloaded", // RESOURCE_EXHAUSTED
  16: "permission_denied", // UNAUTHENTICATED
};

export function classifyGrpcError(error: unknown): PublishError {
  if (error instanceof PublishError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const kind = typeof code === "number" ? (GRPC_CODES[code] ?? "unavailable") : "unavailable";
  const message = (error as Error | null)?.message ?? String(error);
  return new PublishError(kind, message, { cause: error });
}

/** Retryable failures are warnings (senders retry after our 503); permanent ones are errors: an operator must act. */
function publishFailureLog(log: Logger, topic: string): (error: PublishError, cause: unknown) => void {
  let last: unknown;
  return (error, cause) => {
    if (cause === last) return;
    last = cause;
    const fields = { event: "PublishFailed", stage: "publish", topic, code: error.code, retryable: error.retryable, err: error.message };
    if (error.retryable) log.warn(fields, "publish failed; senders get 503");
    else log.error(fields, "publish refused; check topic and permissions");
  };
}
