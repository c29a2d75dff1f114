/**
 * Publishes to a Pub/Sub topic with the client library's own batching: `topic.publishMessage` per
 * message, batches closed by count, bytes or `maxMilliseconds`, one Publish request per batch.
 *
 * `timeoutMs` is kept by a timer per message: gax's total timeout (`gaxOpts.timeout`, which also
 * bounds its retries of UNAVAILABLE, ABORTED, …) was measured overshooting it 2-4× while Pub/Sub
 * was down and the channel reconnecting. gax still gets it, so the library lets go of a message soon
 * after. A failed request fails its whole batch with one error object, and timeouts share one cause:
 * the failure log writes one line per failed request, not per webhook, so outages cannot flood it.
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
  /** Where failed publish requests are logged (once per request). */
  readonly log?: Logger;
  /** Told about every message once it settled. */
  readonly observe?: ((seconds: number, error: PublishError | null) => void) | undefined;
}

export class PubSubPublisher implements EventPublisher {
  readonly #topic: Topic;
  readonly #observe: PubSubPublisherOptions["observe"];
  readonly #failed: ((error: PublishError, cause: unknown) => void) | undefined;
  readonly #timeoutMs: number;
  #inFlight = 0;
  #closed = false;

  constructor(pubsub: PubSub, options: PubSubPublisherOptions) {
    const { batching, timeoutMs } = options;
    this.#topic = pubsub.topic(options.topic, { batching, gaxOpts: { timeout: timeoutMs } });
    this.#timeoutMs = timeoutMs;
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
      let timer: NodeJS.Timeout | undefined;
      const settle = (failure: PublishError | null, messageId: string | undefined, cause: unknown) => {
        if (timer === undefined) return; // already settled (timed out, then the library answered)
        clearTimeout(timer);
        timer = undefined;
        this.#inFlight--;
        this.#observe?.((performance.now() - started) / 1000, failure);
        if (!failure) return resolve(messageId as string);
        this.#failed?.(failure, cause);
        reject(failure);
      };
      timer = setTimeout(() => settle(new PublishError("timeout", `not acknowledged within ${this.#timeoutMs} ms`), undefined, TIMED_OUT), this.#timeoutMs);
      // The callback form: no promise of the library's on top of ours.
      this.#topic.publishMessage(message as { data: Buffer; attributes: Record<string, string> }, (error, messageId) => settle(error ? classifyGrpcError(error) : null, messageId ?? undefined, error));
    });
  }

  flush(): Promise<void> {
    return this.#topic.flush();
  }

  async probe(): Promise<void> {
    try {
      await this.#topic.getMetadata({ timeout: PROBE_TIMEOUT_MS, retry: null });
    } catch (error) {
      throw classifyGrpcError(error);
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.flush();
  }
}

const TIMED_OUT = Symbol("timed out"); // the cause of every timeout: logged once per run of them
const PROBE_TIMEOUT_MS = 2_000; // readiness (GetTopic)

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
