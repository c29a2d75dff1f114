/**
 * Makes every dead-lettered message visible where operators look (the Kibana dashboard's "dead
 * letters by kind"): once the dead-letter topic has accepted a message, a record of it goes to the
 * events index with `event_type: "pipeline.dead_letter"` and the reason under `dead_letter.*`
 * (the fields the events template maps).
 *
 * The topic keeps the message (replay reads it from there); the record is for people. So a record
 * that cannot be written is logged, never a reason to nack the message — and records are gathered
 * into one bulk request per event-loop turn, since dead letters come in bursts (a bad deploy of a
 * mapping refuses a whole batch).
 */
import { createHash } from "node:crypto";
import { EventAttribute } from "@periskope-pipeline/contracts";
import { bulkWrite, type BulkWriteOutcome, type ElasticsearchClient, type ElasticsearchPolicy } from "@periskope-pipeline/elasticsearch";
import type { Logger } from "@periskope-pipeline/observability";
import type { Delivery } from "../source/delivery.ts";
import type { DeadLetterReason, DeadLetterSink } from "./dead-letter-publisher.ts";

export const DEAD_LETTER_EVENT_TYPE = "pipeline.dead_letter";

/** Enough of the body to recognise it; the whole message stays on the dead-letter topic. */
const BODY_PREVIEW_BYTES = 2_048;

export interface DeadLetterRecordOptions {
  readonly es: ElasticsearchClient;
  /** The events index (ELASTICSEARCH_EVENTS_INDEX). */
  readonly index: string;
  readonly log: Logger;
  /** The worker's Elasticsearch policy (retry, breaker). */
  readonly policy?: Pick<ElasticsearchPolicy, "execute">;
}

/** The events-index document for one dead-lettered message; `_id` is stable across redeliveries. */
export function deadLetterRecord(delivery: Delivery, reason: DeadLetterReason, now: Date): { id: string; document: Record<string, unknown> } {
  const receivedAt = delivery.attributes[EventAttribute.receivedAt];
  const document: Record<string, unknown> = {
    event_type: DEAD_LETTER_EVENT_TYPE,
    event_id: delivery.id,
    content_sha256: delivery.attributes[EventAttribute.contentSha256] ?? createHash("sha256").update(delivery.data).digest("hex"),
    "@timestamp": now.toISOString(),
    indexed_at: now.toISOString(),
    dead_letter: {
      error_kind: reason.errorKind,
      stage: reason.stage,
      error_message: reason.errorMessage,
      original_message_id: delivery.id,
      delivery_attempt: delivery.deliveryAttempt,
      // Kept in _source only (the template does not map them): what the message was.
      event_type: delivery.attributes[EventAttribute.eventType],
      body_preview: delivery.data.subarray(0, BODY_PREVIEW_BYTES).toString("utf8"),
    },
  };
  if (receivedAt !== undefined && !Number.isNaN(Date.parse(receivedAt))) document.received_at = receivedAt;
  return { id: `dead-letter-${delivery.id}`, document };
}

/** `sink` with a record in the events index for every message it dead-lettered. */
export function withDeadLetterRecords(sink: DeadLetterSink, options: DeadLetterRecordOptions): DeadLetterSink {
  let gathering: Array<{ id: string; document: Record<string, unknown> }> = [];
  let writing: Promise<void> = Promise.resolve();
  let scheduled = false;

  const write = async (records: typeof gathering): Promise<void> => {
    const operations = records.map(({ id, document }) => ({ action: { index: { _index: options.index, _id: id } }, document }));
    try {
      const failed = (await bulkWrite(options.es, operations, { policy: options.policy })).filter((o) => o.kind === "rejected" || o.kind === "retry");
      if (failed.length > 0) {
        const first = failed[0] as Extract<BulkWriteOutcome, { kind: "rejected" | "retry" }>;
        options.log.error(
          {
            event: "DeadLetterRecordFailed",
            stage: "dead-letter",
            code: first.kind === "rejected" ? first.errorType : first.code,
            retryable: first.kind === "retry",
            count: failed.length,
            ...(first.kind === "rejected" ? { reason: first.reason } : {}),
          },
          "dead-letter records not written to the events index (the messages are on the dead-letter topic)",
        );
      }
    } catch (error) {
      options.log.error(
        { event: "DeadLetterRecordFailed", stage: "dead-letter", code: "unavailable", retryable: false, count: records.length, err: error },
        "dead-letter records not written to the events index (the messages are on the dead-letter topic)",
      );
    }
  };

  const flush = (): Promise<void> => {
    scheduled = false;
    if (gathering.length === 0) return writing;
    const records = gathering;
    gathering = [];
    writing = writing.then(() => write(records));
    return writing;
  };

  return {
    async publish(delivery: Delivery, reason: DeadLetterReason) {
      await sink.publish(delivery, reason);
      gathering.push(deadLetterRecord(delivery, reason, new Date()));
      if (!scheduled) {
        scheduled = true;
        setImmediate(() => void flush());
      }
    },
    async close() {
      await sink.close();
      await flush();
    },
  };
}
