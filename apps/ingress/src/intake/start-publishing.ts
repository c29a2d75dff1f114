/**
 * Builds the publishing side of the process: the webhook intake and the commands publisher, on a
 * dedicated thread (`INTAKE_THREAD=true`, default) or on the HTTP thread.
 *
 * Both variants are imported on demand: with the thread, the HTTP thread never loads the gRPC and
 * Pub/Sub libraries at all (about 50 MB it does not need).
 */
import type { Logger } from "@periskope-pipeline/observability";
import type { IngressConfig } from "../config.ts";
import type { IngressMetrics } from "../metrics.ts";
import type { EventPublisher } from "../publishing/event-publisher.ts";
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

export async function startPublishing(config: IngressConfig, hooks: PublishingHooks): Promise<Publishing> {
  if (!config.INTAKE_THREAD) {
    const { startInlinePublishing } = await import("./inline-publishing.ts");
    return startInlinePublishing(config, hooks);
  }
  const { ThreadedIntake } = await import("./threaded-intake.ts");
  const intake = await ThreadedIntake.start({ config, observer: hooks.metrics, log: hooks.log, heapMb: config.INTAKE_THREAD_HEAP_MB });
  return { intake, commands: intake.commands, close: () => intake.close() };
}
