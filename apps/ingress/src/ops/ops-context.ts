/** What the ops routes share. */
import type { RunReader } from "@periskope-pipeline/commands";
import type { Logger } from "@periskope-pipeline/observability";
import type { IngressMetrics } from "../metrics.ts";
import type { EventPublisher } from "../publishing/event-publisher.ts";
import type { Lifecycle } from "../server/lifecycle.ts";

export interface OpsContext {
  readonly commands: EventPublisher;
  readonly runs: RunReader;
  readonly lifecycle: Lifecycle;
  readonly metrics: IngressMetrics;
  readonly log: Logger;
  readonly retryAfterSeconds: number;
  /** `GET /refresh-cache` without `?wait`. */
  readonly refreshWaitSeconds: number;
  readonly waitMaxSeconds: number;
  readonly pollIntervalMs: number;
}
