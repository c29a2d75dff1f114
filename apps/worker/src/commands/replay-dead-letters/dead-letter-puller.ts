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

  /**
   * Returns at once, possibly empty. A waiting pull would have to be cut short by a client timeout,
   * and messages the server hands to a pull the client already abandoned stay invisible for a
   * whole ack deadline: a replay would miss them and a dry run would miscount. `returnImmediately`
   * is discouraged for throughput, which a replay does not need; it may answer empty while
   * messages exist, so the caller only concludes "drained" after several spaced empty answers.
   */
  async pull(maxMessages: number): Promise<PulledMessage[]> {
    const [response] = await this.client.pull({ subscription: this.subscription, maxMessages, returnImmediately: true });
    return (response.receivedMessages ?? []).flatMap((received) => {
      const message = received.message;
      if (!received.ackId || !message?.messageId) return [];
      const data = message.data ?? new Uint8Array();
      return [{ ackId: received.ackId, messageId: message.messageId, data: Buffer.from(data as Uint8Array), attributes: { ...(message.attributes ?? {}) } }];
    });
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
