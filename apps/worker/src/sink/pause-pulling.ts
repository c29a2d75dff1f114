/**
 * The sink's breaker pauses the source (design §3.7): when the Elasticsearch policy's breaker
 * opens, pulling stops — messages in hand keep their leases and wait, none is nacked (a nack costs
 * a delivery attempt, and after the subscription's maximum Pub/Sub dead-letters a valid message);
 * when a health probe closes it, pulling resumes.
 *
 * `SinkPaused` is a warning: nothing is at risk while leases are extended. Past `atRiskAfterMs`
 * (half the lease bound, PUBSUB_MAX_EXTENSION_SECONDS) it is an ERROR: messages held when the
 * bound passes are redelivered, each at the cost of one delivery attempt.
 */
import type { BreakerState, ElasticsearchPolicy } from "@periskope-pipeline/elasticsearch";
import type { Logger } from "@periskope-pipeline/observability";
import type { WorkerMetrics } from "../metrics.ts";
import type { Source } from "../source/pubsub-source.ts";

const STATE_VALUE: Readonly<Record<BreakerState, number>> = { closed: 0, "half-open": 1, open: 2 };

export interface PausePullingDeps {
  readonly log: Logger;
  readonly metrics?: Pick<WorkerMetrics, "elasticsearchBreakerState"> | undefined;
  readonly atRiskAfterMs: number;
}

export function pausePullingWhileUnavailable(policy: Pick<ElasticsearchPolicy, "onStateChange">, source: Pick<Source, "pause" | "resume">, deps: PausePullingDeps): void {
  let pausedAt: number | undefined;
  let atRisk: NodeJS.Timeout | undefined;
  policy.onStateChange((state) => {
    deps.metrics?.elasticsearchBreakerState.set(STATE_VALUE[state]);
    if (state === "open" && pausedAt === undefined) {
      pausedAt = Date.now();
      source.pause();
      deps.log.warn({ event: "SinkPaused", stage: "index", code: "elasticsearch_unavailable", retryable: true }, "Elasticsearch unavailable: pulling paused, messages in hand held until it answers");
      atRisk = setTimeout(() => {
        deps.log.error(
          { event: "SinkPausedLong", stage: "index", code: "elasticsearch_unavailable", retryable: true, paused_ms: Date.now() - (pausedAt ?? Date.now()) },
          "Elasticsearch still unavailable: held messages will be redelivered when their lease bound passes, each costing a delivery attempt",
        );
      }, deps.atRiskAfterMs).unref();
    } else if (state === "closed" && pausedAt !== undefined) {
      clearTimeout(atRisk);
      deps.log.info({ event: "SinkResumed", stage: "index", code: "elasticsearch_available", paused_ms: Date.now() - pausedAt }, "Elasticsearch answers again: pulling resumed");
      pausedAt = undefined;
      source.resume();
    }
  });
}
