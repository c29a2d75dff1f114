/**
 * Publishing on the HTTP thread (`INTAKE_THREAD=false`): one Pub/Sub client, the events and
 * commands publishers, and an `InlineIntake` over the events one.
 */
import { createPubSub } from "@periskope-pipeline/pubsub";
import type { IngressConfig } from "../config.ts";
import type { PublishError } from "../publishing/event-publisher.ts";
import { batchSettingsFrom } from "../publishing/batch-settings.ts";
import { createPubSubPublisher } from "../publishing/pubsub-publisher.ts";
import { createSignatureVerifier } from "../webhook/signature.ts";
import { InlineIntake } from "./inline-intake.ts";
import { logPublishFailure } from "./publish-failure-log.ts";
import type { Publishing, PublishingHooks } from "./start-publishing.ts";

export async function startInlinePublishing(config: IngressConfig, { metrics, log }: PublishingHooks): Promise<Publishing> {
  const pubsub = createPubSub({ projectId: config.PUBSUB_PROJECT_ID, emulatorHost: config.PUBSUB_EMULATOR_HOST });
  const batch = batchSettingsFrom(config);
  // Publish metrics describe the webhook path; command publishes are rare and only logged.
  const observer = (topic: string, measured: boolean) => (messages: number, seconds: number, error: PublishError | null) => {
    if (measured) metrics.publishSettled(messages, seconds, error);
    if (error) logPublishFailure(log, topic, messages, error);
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
