/** What the ops routes share. */
import type { Logger } from "@periskope-pipeline/observability";
import type { IngressMetrics } from "../metrics.ts";
import type { EventPublisher } from "../publishing/event-publisher.ts";
import type { Lifecycle } from "../server/lifecycle.ts";
import type { CommandRunReader } from "./command-runs.ts";

export interface OpsContext {
  readonly commands: EventPublisher;
  readonly runs: CommandRunReader;
  readonly lifecycle: Lifecycle;
  readonly metrics: IngressMetrics;
  readonly log: Logger;
  readonly retryAfterSeconds: number;
  readonly waitMaxSeconds: number;
  readonly pollIntervalMs: number;
}
