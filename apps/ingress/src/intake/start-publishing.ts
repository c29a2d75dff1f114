/**
 * Builds the publishing side of the process from the configuration: the webhook intake and the
 * commands publisher, on this thread (`INTAKE_THREAD=false`) or on a dedicated worker thread.
 */
import type { Logger } from "@periskope-pipeline/observability";
import { createPubSub } from "@periskope-pipeline/pubsub";
import type { IngressConfig } from "../config.ts";
import type { IngressMetrics } from "../metrics.ts";
import type { EventPublisher, PublishError } from "../publishing/event-publisher.ts";
import { batchSettingsFrom } from "../publishing/batch-settings.ts";
import { createPubSubPublisher } from "../publishing/pubsub-publisher.ts";
import { createSignatureVerifier } from "../webhook/signature.ts";
import { InlineIntake } from "./inline-intake.ts";
import type { WebhookIntake } from "./webhook-intake.ts";

export interface Publishing {
  readonly intake: WebhookIntake;
  /** Publisher of the commands topic. */
  readonly commands: EventPublisher;
  /** Answers what is in flight, flushes, closes channels. */
  close(): Promise<void>;
}

export interface PublishingHooks {
  readonly metrics: IngressMetrics;
  readonly log: Logger;
}

/** One log line per failed Publish request (not per webhook): an outage must not flood the logs. */
export function publishFailureLogger(log: Logger, topic: string) {
  return (messages: number, error: PublishError) => {
    const fields = { event: "PublishFailed", stage: "publish", topic, code: error.code, retryable: error.retryable, count: messages, err: error.message };
    // Retryable: senders retry after our 503. Not retryable: the topic or permissions are wrong.
    if (error.retryable) log.warn(fields, "publish failed; senders get 503");
    else log.error(fields, "publish refused; check topic and permissions");
  };
}

export async function startPublishing(config: IngressConfig, hooks: PublishingHooks): Promise<Publishing> {
  return startInline(config, hooks);
}

async function startInline(config: IngressConfig, { metrics, log }: PublishingHooks): Promise<Publishing> {
  const pubsub = createPubSub({ projectId: config.PUBSUB_PROJECT_ID, emulatorHost: config.PUBSUB_EMULATOR_HOST });
  const batch = batchSettingsFrom(config);
  // Publish metrics describe the webhook path; command publishes are rare and only logged.
  const observer = (topic: string, measured: boolean) => {
    const logFailure = publishFailureLogger(log, topic);
    return (messages: number, seconds: number, error: PublishError | null) => {
      if (measured) metrics.publishSettled(messages, seconds, error);
      if (error) logFailure(messages, error);
    };
  };
  const events = await createPubSubPublisher(pubsub, { topic: config.PUBSUB_EVENTS_TOPIC, ...batch, observe: observer(config.PUBSUB_EVENTS_TOPIC, true) });
  const commands = await createPubSubPublisher(pubsub, { topic: config.PUBSUB_COMMANDS_TOPIC, ...batch, observe: observer(config.PUBSUB_COMMANDS_TOPIC, false) });
  const verify = config.WEBHOOK_SIGNATURE_VERIFICATION ? createSignatureVerifier(config.PERISKOPE_SIGNING_KEY) : null;
  const intake = new InlineIntake({ verify, publisher: events, observer: metrics });
  return {
    intake,
    commands,
    async close() {
      await intake.close();
      await Promise.all([events.close(), commands.close()]);
      await pubsub.close();
    },
  };
}
