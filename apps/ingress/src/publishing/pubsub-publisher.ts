/**
 * Publishes to a Pub/Sub topic through the generated `v1.PublisherClient` (one long-lived gRPC
 * channel), with our own batching (`publish-batcher.ts`) instead of the library's timer batching.
 *
 * Protocol facts this relies on:
 * - `isBundling: false`: the generated client otherwise bundles Publish calls itself with a 10 ms
 *   window (publisher_client_config.json), which put a 10 ms floor under every webhook.
 * - A call `timeout` becomes gax's total retry budget: retryable codes (UNAVAILABLE, ABORTED, …) are
 *   retried with backoff inside the message's remaining deadline, never beyond it.
 * - gRPC reconnect backoff is capped at 2 s (grpc-js defaults to 120 s), so a Pub/Sub outage ends for
 *   us within seconds of Pub/Sub coming back, without a restart.
 *
 * @example
 * const publisher = await createPubSubPublisher(pubsub, { topic: "periskope-events", ...batchSettings });
 * await publisher.publish({ data: raw, attributes });
 */
import { v1, type PubSub } from "@google-cloud/pubsub";
import { PublishError, type EventPublisher, type OutboundMessage, type PublishErrorCode } from "./event-publisher.ts";
import { PublishBatcher, type BatchObserver, type BatchSettings, type Settled } from "./publish-batcher.ts";

export interface PubSubPublisherOptions extends BatchSettings {
  /** Topic name (short form, in the client's project). */
  readonly topic: string;
  /** Deadline of a readiness probe (GetTopic). */
  readonly probeTimeoutMs?: number;
  readonly observe?: BatchObserver;
}

const CHANNEL_OPTIONS = {
  "grpc.initial_reconnect_backoff_ms": 250,
  "grpc.max_reconnect_backoff_ms": 2_000,
};

export async function createPubSubPublisher(pubsub: PubSub, options: PubSubPublisherOptions): Promise<PubSubPublisher> {
  const clientConfig = await pubsub.getClientConfig();
  // The library's own config type says `port: string | number`; the generated client takes a number.
  const client = new v1.PublisherClient({ ...clientConfig, ...CHANNEL_OPTIONS } as ConstructorParameters<typeof v1.PublisherClient>[0]);
  const projectId = clientConfig.projectId ?? (await client.getProjectId());
  return new PubSubPublisher(client, `projects/${projectId}/topics/${options.topic}`, options);
}

export class PubSubPublisher implements EventPublisher {
  readonly topicPath: string;
  readonly #client: v1.PublisherClient;
  readonly #batcher: PublishBatcher;
  readonly #probeTimeoutMs: number;
  #closing: Promise<void> | undefined;

  constructor(client: v1.PublisherClient, topicPath: string, options: PubSubPublisherOptions) {
    this.#client = client;
    this.topicPath = topicPath;
    this.#probeTimeoutMs = options.probeTimeoutMs ?? 2_000;
    this.#batcher = new PublishBatcher((messages, timeoutMs) => this.#send(messages, timeoutMs), options, options.observe);
  }

  /** Messages queued or awaiting acknowledgement. */
  get pending(): number {
    return this.#batcher.pending;
  }

  publish(message: OutboundMessage): Promise<string> {
    return this.#batcher.add(message);
  }

  /** `publish` without a promise per message, for the publishing thread's hot path. */
  enqueue(message: OutboundMessage, token: number, done: Settled): void {
    this.#batcher.enqueue(message, token, done);
  }

  flush(): Promise<void> {
    return this.#batcher.flush();
  }

  async probe(): Promise<void> {
    try {
      await this.#client.getTopic({ topic: this.topicPath }, { timeout: this.#probeTimeoutMs });
    } catch (error) {
      throw classifyGrpcError(error);
    }
  }

  close(): Promise<void> {
    this.#closing ??= this.#batcher.close().then(() => this.#client.close());
    return this.#closing;
  }

  async #send(messages: OutboundMessage[], timeoutMs: number): Promise<string[]> {
    try {
      const [response] = await this.#client.publish({ topic: this.topicPath, messages }, { timeout: timeoutMs, isBundling: false });
      const ids = response.messageIds ?? [];
      if (ids.length !== messages.length) throw new PublishError("unavailable", `publish answered ${ids.length} ids for ${messages.length} messages`);
      return ids;
    } catch (error) {
      throw classifyGrpcError(error);
    }
  }
}

/** gRPC status codes (grpc/status.proto) → our classification. */
const GRPC_CODES: Readonly<Record<number, PublishErrorCode>> = {
  1: "unavailable", // CANCELLED
  2: "unavailable", // UNKNOWN
  3: "invalid_message", // INVALID_ARGUMENT (e.g. too large)
  4: "timeout", // DEADLINE_EXCEEDED
  5: "topic_not_found", // NOT_FOUND
  7: "permission_denied", // PERMISSION_DENIED
  8: "overloaded", // RESOURCE_EXHAUSTED
  10: "unavailable", // ABORTED
  13: "unavailable", // INTERNAL
  14: "unavailable", // UNAVAILABLE
  16: "permission_denied", // UNAUTHENTICATED
};

export function classifyGrpcError(error: unknown): PublishError {
  if (error instanceof PublishError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const kind = typeof code === "number" ? (GRPC_CODES[code] ?? "unavailable") : "unavailable";
  const message = (error as Error | null)?.message ?? String(error);
  return new PublishError(kind, message, { cause: error });
}
