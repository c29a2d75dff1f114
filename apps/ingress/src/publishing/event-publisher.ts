/**
 * Where admitted webhooks (and ops commands) go: a topic that acknowledges each message once it is
 * durably stored. Two implementations share one conformance suite
 * (`test/support/publisher-conformance.ts`): Pub/Sub (`pubsub-publisher.ts`, run against the emulator) and
 * in-memory (`test/support/memory-publisher.ts`, for fast tests of everything above it).
 * Failures are `PublishError`s classified once: not `retryable` means the topic or the permissions
 * are wrong, and an operator must act.
 *
 * @example
 * const id = await publisher.publish({ data: rawBody, attributes: { event_type: "message.created" } });
 */

export interface OutboundMessage {
  /** Bytes as received; never re-serialised. */
  readonly data: Uint8Array;
  readonly attributes: Readonly<Record<string, string>>;
}

export interface EventPublisher {
  /** Messages published and not yet acknowledged or failed: the webhook route's backpressure bound applies to this. */
  readonly inFlight: number;
  /** Resolves with the message id once the topic acknowledged the message; rejects with a `PublishError`. */
  publish(message: OutboundMessage): Promise<string>;
  /** Resolves when every message published so far is acknowledged or has failed. */
  flush(): Promise<void>;
  /** Rejects with a `PublishError` when the topic cannot be reached (readiness). */
  probe(): Promise<void>;
  /** Flushes, then refuses further messages (`closed`). Idempotent. */
  close(): Promise<void>;
}

export type PublishErrorCode =
  /** The service could not be reached or answered with a transient failure. */
  | "unavailable"
  /** No acknowledgement within the publish deadline. */
  | "timeout"
  /** Pub/Sub pushed back (quota, flow control). */
  | "overloaded"
  | "topic_not_found"
  | "permission_denied"
  /** The request itself is invalid (e.g. message too large). */
  | "invalid_message"
  | "closed";

/** The topic or the permissions are wrong (or the publisher closed): retrying cannot help. */
const PERMANENT: ReadonlySet<PublishErrorCode> = new Set(["topic_not_found", "permission_denied", "invalid_message", "closed"]);

export class PublishError extends Error {
  override readonly name = "PublishError";
  readonly code: PublishErrorCode;
  readonly retryable: boolean;

  constructor(code: PublishErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.retryable = !PERMANENT.has(code);
  }
}

export function isPublishError(error: unknown): error is PublishError {
  return error instanceof PublishError;
}
