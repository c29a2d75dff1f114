/**
 * Learn: names carried by the batch's own events (`chat.created`, group subject notifications)
 * go into the caches before names are resolved, so messages in the same batch already use them and
 * no API call is made for those chats (design §3.4).
 *
 * A name whose change time is out of range (event-time.ts) is not learned: its time would version
 * the cache index's document into the future. The event itself is still indexed as it came.
 *
 * What is learned is returned with the delivery that carried it: the batch writes those names to
 * the cache index before it acks their events (`NameLearner.persist`), so a worker killed after the
 * ack cannot take a rename with it. (Names from the API need no such care: the API still knows them.)
 */
import { chatNameUpdateFromEvent, type ChatNameUpdate } from "../chat-names/index.ts";
import type { Delivery } from "../source/delivery.ts";
import type { DecodedEvent } from "./decoded-event.ts";
import { DEFAULT_EVENT_TIME_MAX_SKEW_MS, eventTimeProblem } from "./event-time.ts";

export interface NameLearner {
  learn(updates: readonly ChatNameUpdate[]): void;
  /** Writes names to the cache index; answers the chats whose write must be tried again. */
  persist(updates: readonly ChatNameUpdate[]): Promise<ReadonlySet<string>>;
}

export interface LearnedName {
  readonly delivery: Delivery;
  readonly update: ChatNameUpdate;
}

export function learnChatNames(events: readonly DecodedEvent[], learner: Pick<NameLearner, "learn">, maxSkewMs = DEFAULT_EVENT_TIME_MAX_SKEW_MS): LearnedName[] {
  const learned: LearnedName[] = [];
  for (const event of events) {
    const update = chatNameUpdateFromEvent(event.envelope);
    if (!update) continue;
    if (update.changedAt !== undefined && eventTimeProblem(update.changedAt, event.receivedAt, maxSkewMs) !== undefined) continue;
    learned.push({ delivery: event.delivery, update });
  }
  // In change-time order, so a later rename in the batch wins over an earlier one.
  learned.sort((a, b) => (a.update.changedAt ?? 0) - (b.update.changedAt ?? 0));
  learner.learn(learned.map((l) => l.update));
  return learned;
}
