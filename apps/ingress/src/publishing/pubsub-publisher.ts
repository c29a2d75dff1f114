/**
 * Publishes to a Pub/Sub topic with the client library's own batching: `topic.publishMessage` per
 * message, batches closed by count, bytes or `maxMilliseconds`, one Publish request per batch.
 *
 * `timeoutMs` is kept here: gax's total timeout (`gaxOpts.timeout`, which also bounds its retries
 * of UNAVAILABLE, ABORTED, …) was measured overshooting it 2-4× while Pub/Sub was down and the
 * channel reconnecting. gax still gets it, so the library lets go of a message soon after. Every
 * message has the same timeout, so the oldest pending one always expires first: one timer, armed
 * for the oldest, serves them all (not one timer object per webhook). A failed request fails its
 * whole batch with one error object, and timeouts share one cause: the failure log writes one line
 * per failed request, not per webhook, so outages cannot flood it.
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

interface Pending {
  readonly started: number;
  readonly resolve: (messageId: string) => void;
  readonly reject: (error: PublishError) => void;
}

export class PubSubPublisher implements EventPublisher {
  readonly #topic: Topic;
  readonly #observe: PubSubPublisherOptions["observe"];
  readonly #failed: ((error: PublishError, cause: unknown) => void) | undefined;
  readonly #timeoutMs: number;
  /** In publishing order, hence in deadline order. */
  readonly #pending = new Set<Pending>();
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(pubsub: PubSub, options: PubSubPublisherOptions) {
    const { batching, timeoutMs } = options;
    this.#topic = pubsub.topic(options.topic, { batching, gaxOpts: { timeout: timeoutMs } });
    this.#timeoutMs = timeoutMs;
    this.#observe = options.observe;
    this.#failed = options.log && publishFailureLog(options.log, options.topic);
  }

  get inFlight(): number {
    return this.#pending.size;
  }

  publish(message: OutboundMessage): Promise<string> {
    if (this.#closed) return Promise.reject(new PublishError("closed", "publisher is closed"));
    const { promise, resolve, reject } = Promise.withResolvers<string>();
    const pending: Pending = { started: performance.now(), resolve, reject };
    this.#pending.add(pending);
    this.#timer ??= setTimeout(this.#expire, this.#timeoutMs);
    const settle = (error: unknown, messageId?: string | null) => this.#settle(pending, error ? classifyGrpcError(error) : null, messageId ?? undefined, error);
    try {
      // The callback form: no promise of the library's on top of ours.
      this.#topic.publishMessage(message as { data: Buffer; attributes: Record<string, string> }, settle);
    } catch (error) {
      settle(error); // a message the library refuses outright (not bytes, non-string attributes)
    }
    return promise;
  }

  #settle(pending: Pending, failure: PublishError | null, messageId: string | undefined, cause: unknown): void {
    if (!this.#pending.delete(pending)) return; // already settled (timed out, then the library answered)
    if (this.#pending.size === 0) {
      // Nothing left to time out.
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    this.#observe?.((performance.now() - pending.started) / 1000, failure);
    if (!failure) return pending.resolve(messageId as string);
    this.#failed?.(failure, cause);
    pending.reject(failure);
  }

  /** Times out every pending message past its deadline, then waits for the next oldest one. */
  readonly #expire = () => {
    this.#timer = undefined;
    const now = performance.now();
    for (const pending of this.#pending) {
      const due = pending.started + this.#timeoutMs;
      if (due > now) {
        this.#timer = setTimeout(this.#expire, due - now);
        return;
      }
      this.#settle(pending, new PublishError("timeout", `not acknowledged within ${this.#timeoutMs} ms`), undefined, TIMED_OUT);
    }
  };

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
