/**
 * Unary pull on the dead-letter subscription, for `replay-dead-letters`: unlike streaming pull it
 * takes exactly as many messages as asked, when asked, and leaves the rest alone — what a bounded,
 * filterable, dry-runnable replay needs. Built on the library's own `v1.SubscriberClient` with the
 * PubSub client's configuration (so the emulator setting carries over).
 */
import { v1, type PubSub } from "@google-cloud/pubsub";

export interface PulledMessage {
  ackId: string;
  messageId: string;
  data: Buffer;
  attributes: Record<string, string>;
}

/** A pull with nothing available returns empty or times out; both mean "nothing right now". */
const PULL_TIMEOUT_MS = 5_000;
/** gRPC DEADLINE_EXCEEDED. */
const DEADLINE_EXCEEDED = 4;

export class DeadLetterPuller {
  private readonly client: v1.SubscriberClient;
  private readonly subscription: string;

  private constructor(client: v1.SubscriberClient, subscription: string) {
    this.client = client;
    this.subscription = subscription;
  }

  static async open(pubsub: PubSub, subscription: string): Promise<DeadLetterPuller> {
    // The library documents this pairing (`new v1.SchemaServiceClient(await pubsub.getClientConfig())`);
    // its two option types differ only in optional fields.
    const client = new v1.SubscriberClient((await pubsub.getClientConfig()) as ConstructorParameters<typeof v1.SubscriberClient>[0]);
    return new DeadLetterPuller(client, pubsub.subscription(subscription).name);
  }

  async pull(maxMessages: number): Promise<PulledMessage[]> {
    try {
      const [response] = await this.client.pull({ subscription: this.subscription, maxMessages }, { timeout: PULL_TIMEOUT_MS });
      return (response.receivedMessages ?? []).flatMap((received) => {
        const message = received.message;
        if (!received.ackId || !message?.messageId) return [];
        const data = message.data ?? new Uint8Array();
        return [{ ackId: received.ackId, messageId: message.messageId, data: Buffer.from(data as Uint8Array), attributes: { ...(message.attributes ?? {}) } }];
      });
    } catch (error) {
      if ((error as { code?: number }).code === DEADLINE_EXCEEDED) return [];
      throw error;
    }
  }

  async ack(ackIds: readonly string[]): Promise<void> {
    for (const chunk of chunks(ackIds)) await this.client.acknowledge({ subscription: this.subscription, ackIds: chunk });
  }

  /** Keeps messages invisible to other pullers while the replay still holds them. */
  async extend(ackIds: readonly string[], seconds: number): Promise<void> {
    for (const chunk of chunks(ackIds)) await this.client.modifyAckDeadline({ subscription: this.subscription, ackIds: chunk, ackDeadlineSeconds: seconds });
  }

  /** Hands messages back at once (deadline 0): they stay in the dead-letter subscription. */
  nack(ackIds: readonly string[]): Promise<void> {
    return this.extend(ackIds, 0);
  }

  close(): Promise<void> {
    return this.client.close();
  }
}

/** Ack and modack requests are limited in size; 1000 ids per request stays well inside. */
function* chunks(ids: readonly string[], size = 1000): Generator<string[]> {
  for (let i = 0; i < ids.length; i += size) yield ids.slice(i, i + size);
}
