/**
 * One micro-batch through the stages, in the order the folders read: decode → learn names →
 * resolve names → build (and serialize) documents → sink → settle. Every stage only decides
 * outcomes; `settle/` acts on them, once per message.
 *
 * A stage that fails for the whole batch (a non-retryable error reading the name cache, or
 * shutdown ending the wait for Elasticsearch; an outage is waited out, not failed) gives every
 * message not yet decided back for redelivery; nothing is acked that was not written.
 */
import { isMessageEvent } from "@periskope-pipeline/contracts";
import type { Logger } from "@periskope-pipeline/observability";
import type { ChatNameResolution, UnresolvedReason } from "./chat-names/index.ts";
import type { DeadLetterSink } from "./dead-letter/dead-letter-publisher.ts";
import type { WorkerMetrics } from "./metrics.ts";
import { deadLetter, retry, type Outcome, type Stage } from "./settle/outcome.ts";
import { settleBatch, type SettleCounts, type Settlement } from "./settle/settle.ts";
import type { ElasticsearchSink } from "./sink/elasticsearch-sink.ts";
import type { Delivery } from "./source/delivery.ts";
import { buildDocument, type BuiltDocument, type TargetIndices } from "./stages/build-documents.ts";
import { decode } from "./stages/decode.ts";
import type { DecodedEvent } from "./stages/decoded-event.ts";
import { learnChatNames, type NameLearner } from "./stages/learn-chat-names.ts";
import { recordOrgPhones, type PhoneRecorder } from "./stages/record-org-phones.ts";
import { resolveChatNames, type NameResolver } from "./stages/resolve-chat-names.ts";
import { serializeOperation, type SerializedOperation } from "./stages/serialize-operation.ts";

export interface ChatNames extends NameResolver, NameLearner {
  indexedUnresolved(chats: ReadonlyMap<string, { reason: UnresolvedReason; phone: string | undefined }>): void;
  /** After a batch's write: chats whose name changed in the cache index since the batch resolved it (`performance.now()` time). */
  renamedSince(names: ReadonlyMap<string, ChatNameResolution>, resolvedAt: number): Promise<ReadonlySet<string>>;
}

/** What a batch needs of the sink: one outcome per operation, in order. */
export type BatchSink = Pick<ElasticsearchSink, "write">;

export interface BatchDeps {
  readonly chatNames: ChatNames;
  readonly sink: BatchSink;
  readonly deadLetters: DeadLetterSink;
  readonly indices: TargetIndices;
  /** How far after its receive time a message event's time may be (`EVENT_TIME_MAX_SKEW_SECONDS`). */
  readonly eventTimeMaxSkewMs?: number | undefined;
  readonly log: Logger;
  readonly metrics?: WorkerMetrics | undefined;
  /** Remembers the org phones webhooks come through (refresh-cache pages them); absent in some tests. */
  readonly orgPhones?: PhoneRecorder | undefined;
}

export async function processBatch(deliveries: readonly Delivery[], deps: BatchDeps): Promise<SettleCounts> {
  const decided = new Map<Delivery, Settlement>();
  const decide = (delivery: Delivery, outcome: Outcome, receivedAt?: number) => decided.set(delivery, { delivery, outcome, receivedAt });
  const unresolvedWritten = new Map<string, { reason: UnresolvedReason; phone: string | undefined }>();
  let stage: Stage = "decode";

  try {
    const events: DecodedEvent[] = [];
    await timed(deps, "decode", async () => {
      for (const delivery of deliveries) {
        const result = decode(delivery);
        if (result.ok) events.push(result.event);
        else decide(delivery, result.outcome);
      }
    });

    if (deps.orgPhones) recordOrgPhones(events, deps.orgPhones);

    stage = "resolve";
    let learned: Awaited<ReturnType<typeof learnChatNames>> = { learned: [], notWritten: new Set() };
    const names = await timed(deps, "resolve", async (): Promise<Map<string, ChatNameResolution>> => {
      learned = await learnChatNames(events, deps.chatNames, deps.eventTimeMaxSkewMs);
      return resolveChatNames(events, deps.chatNames);
    });
    const resolvedAt = performance.now();

    stage = "build";
    const operations: SerializedOperation[] = [];
    const owners: Array<{ delivery: Delivery; receivedAt: number; unresolved: BuiltDocument["unresolved"]; chatId: unknown }> = [];
    await timed(deps, "build", async () => {
      const indexedAt = new Date().toISOString();
      for (const event of events) {
        try {
          const result = buildDocument(event, names, deps.indices, indexedAt, deps.eventTimeMaxSkewMs);
          if (!result.ok) {
            decide(event.delivery, result.outcome);
            continue;
          }
          operations.push(serializeOperation(result.built.operation));
          owners.push({ delivery: event.delivery, receivedAt: event.receivedAt, unresolved: result.built.unresolved, chatId: isMessageEvent(event.envelope.eventType) ? event.envelope.data.chat_id : undefined });
        } catch (error) {
          // Whatever in this event's data broke the build will break it on every redelivery.
          decide(event.delivery, deadLetter("build", "build_error", String((error as Error)?.message ?? error)));
        }
      }
    });
    // From here the batch holds each message only as its serialized bytes: the parsed objects are
    // collected while the bulk request is in flight instead of surviving into the old generation.
    events.length = 0;

    stage = "index";
    const outcomes = await timed(deps, "index", () => deps.sink.write(operations));
    // Written under a name the chat lost while the batch waited (an outage, a slow cluster): given
    // back, and written again under the new name, rather than acked.
    const renamed = await deps.chatNames.renamedSince(names, resolvedAt);
    outcomes.forEach((outcome, i) => {
      const owner = owners[i]!;
      if (outcome.kind === "indexed" && typeof owner.chatId === "string" && renamed.has(owner.chatId)) decide(owner.delivery, retry("index", "chat_renamed"));
      else decide(owner.delivery, outcome, owner.receivedAt);
      const unresolved = owner.unresolved;
      if (unresolved && outcome.kind === "indexed") unresolvedWritten.set(unresolved.chatId, { reason: unresolved.reason, phone: unresolved.phone });
    });

    // A name an event taught is in the cache index before that event is acked; where it is not,
    // the event comes back and teaches it again.
    for (const { delivery, update } of learned.learned) {
      if (learned.notWritten.has(update.chatId) && decided.get(delivery)?.outcome.kind !== "dead-letter") decide(delivery, retry("resolve", "cache_write_failed"));
    }
  } catch (error) {
    deps.log.error(
      { event: "BatchFailed", stage, code: (error as Error)?.name ?? "unknown_error", retryable: true, count: deliveries.length - decided.size, err: error },
      "batch stage failed; undecided messages returned for redelivery",
    );
    for (const delivery of deliveries) if (!decided.has(delivery)) decide(delivery, retry(stage, "stage_failed"));
  }

  const counts = await timed(deps, "settle", () => settleBatch([...decided.values()], deps));
  if (unresolvedWritten.size > 0) deps.chatNames.indexedUnresolved(unresolvedWritten);
  return counts;
}

async function timed<T>(deps: BatchDeps, stage: Stage | "settle", run: () => Promise<T>): Promise<T> {
  const end = deps.metrics?.stageDuration.startTimer({ stage });
  try {
    return await run();
  } finally {
    end?.();
  }
}
