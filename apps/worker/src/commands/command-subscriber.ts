/**
 * The commands subscription: the one place that acknowledges or nacks a command delivery, after
 * `executeDelivery` said which. Flow control admits `COMMAND_CONCURRENCY` deliveries at a time; the
 * client library extends their leases while they run (up to `MAX_RUN`), and a delivery whose lease
 * still lapses is harmless: the next worker finds the run alive and only watches it.
 */
import { Duration, type Message, type PubSub, type Subscription } from "@google-cloud/pubsub";
import type { Logger } from "@periskope-pipeline/observability";
import type { CommandDelivery, DeliveryOutcome } from "./execute-command.ts";

/** Longest a delivery is held (leases extended): generous, since a backfill may take hours. */
const MAX_RUN = Duration.from({ hours: 6 });

export interface CommandSubscriberOptions {
  pubsub: PubSub;
  subscription: string;
  concurrency: number;
  logger: Logger;
  handle: (delivery: CommandDelivery, stopping: AbortSignal) => Promise<DeliveryOutcome>;
}

export interface CommandSubscriber {
  /** Signals running deliveries to stop (they release their runs), waits for them, closes. */
  close(timeoutMs: number): Promise<void>;
}

export function subscribeToCommands(options: CommandSubscriberOptions): CommandSubscriber {
  const { logger } = options;
  const stopping = new AbortController();
  const inFlight = new Set<Promise<void>>();
  const subscription: Subscription = options.pubsub.subscription(options.subscription, {
    flowControl: { maxMessages: options.concurrency, allowExcessMessages: false },
    maxExtensionTime: MAX_RUN,
    // Commands are rare: one stream is plenty.
    streamingOptions: { maxStreams: 1 },
  });

  subscription.on("message", (message: Message) => {
    const work = options
      .handle({ data: message.data, messageId: message.id, publishTime: message.publishTime, attributes: message.attributes }, stopping.signal)
      .catch((error: unknown) => {
        logger.error({ event: "CommandDeliveryFailed", stage: "commands", code: "unexpected", retryable: true, err: error }, "command delivery failed unexpectedly; nacking");
        return "nack" as const;
      })
      .then((outcome) => (outcome === "ack" ? message.ack() : message.nack()));
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  });
  subscription.on("error", (error: unknown) => {
    logger.error({ event: "CommandSubscriptionError", stage: "commands", code: "pubsub_error", retryable: true, err: error }, "commands subscription error");
  });

  return {
    async close(timeoutMs) {
      stopping.abort();
      const drained = Promise.allSettled([...inFlight]);
      await Promise.race([drained, new Promise((resolve) => setTimeout(resolve, timeoutMs).unref())]);
      await subscription.close();
    },
  };
}
