/**
 * The one place a pulled message is finished (STYLE habit 3): the stages decide an `Outcome`,
 * this carries it out.
 *
 * - `indexed`, `superseded` → ack.
 * - `dead-letter` → publish to the dead-letter topic with the reason, then ack; if that publish
 *   fails, nack instead, so the message comes back rather than vanishing.
 * - `retry` → nack: Pub/Sub redelivers it with the subscription's backoff.
 */
import type { Logger } from "@periskope-pipeline/observability";
import type { DeadLetterSink } from "../dead-letter/dead-letter-publisher.ts";
import type { WorkerMetrics } from "../metrics.ts";
import type { Delivery } from "../source/delivery.ts";
import type { Outcome } from "./outcome.ts";

export interface Settlement {
  readonly delivery: Delivery;
  readonly outcome: Outcome;
  /** Ingress receive time (epoch ms), for the end-to-end lag of indexed messages. */
  readonly receivedAt?: number | undefined;
}

export interface SettleDeps {
  readonly deadLetters: DeadLetterSink;
  readonly log: Logger;
  readonly metrics?: Pick<WorkerMetrics, "messages" | "deadLetters" | "endToEndLag"> | undefined;
}

export interface SettleCounts {
  indexed: number;
  superseded: number;
  deadLettered: number;
  nacked: number;
}

export async function settleBatch(settlements: readonly Settlement[], deps: SettleDeps): Promise<SettleCounts> {
  const counts: SettleCounts = { indexed: 0, superseded: 0, deadLettered: 0, nacked: 0 };
  const now = Date.now();
  const nackCodes = new Map<string, number>();
  const deadLettering: Promise<void>[] = [];
  for (const { delivery, outcome, receivedAt } of settlements) {
    switch (outcome.kind) {
      case "indexed":
      case "superseded":
        delivery.ack();
        counts[outcome.kind]++;
        if (receivedAt !== undefined) deps.metrics?.endToEndLag.observe(Math.max(0, now - receivedAt) / 1000);
        break;
      case "retry":
        delivery.nack();
        counts.nacked++;
        nackCodes.set(`${outcome.stage}:${outcome.code}`, (nackCodes.get(`${outcome.stage}:${outcome.code}`) ?? 0) + 1);
        break;
      case "dead-letter":
        deadLettering.push(
          deps.deadLetters.publish(delivery, outcome).then(
            () => {
              delivery.ack();
              counts.deadLettered++;
              deps.metrics?.deadLetters.inc({ kind: outcome.errorKind, stage: outcome.stage });
              deps.log.warn(
                { event: "MessageDeadLettered", stage: outcome.stage, code: outcome.errorKind, retryable: false, count: 1, original_message_id: delivery.id, reason: outcome.errorMessage },
                "message dead-lettered",
              );
            },
            (error: unknown) => {
              delivery.nack();
              counts.nacked++;
              deps.log.error(
                { event: "DeadLetterPublishFailed", stage: outcome.stage, code: outcome.errorKind, retryable: true, count: 1, original_message_id: delivery.id, err: error },
                "could not publish to the dead-letter topic; message nacked",
              );
            },
          ),
        );
        break;
    }
  }
  await Promise.all(deadLettering);
  for (const [key, count] of nackCodes) {
    const [stage, code] = key.split(":");
    deps.log.warn({ event: "MessagesNacked", stage, code, retryable: true, count }, "messages returned for redelivery");
  }
  const metrics = deps.metrics?.messages;
  if (metrics) {
    if (counts.indexed) metrics.inc({ outcome: "indexed" }, counts.indexed);
    if (counts.superseded) metrics.inc({ outcome: "superseded" }, counts.superseded);
    if (counts.deadLettered) metrics.inc({ outcome: "dead_lettered" }, counts.deadLettered);
    if (counts.nacked) metrics.inc({ outcome: "nacked" }, counts.nacked);
  }
  return counts;
}
