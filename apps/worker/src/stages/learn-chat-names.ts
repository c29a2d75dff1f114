/**
 * Learn: names carried by the batch's own events (`chat.created`, group subject notifications)
 * go into the cache index and the caches before names are resolved, so messages in the same batch
 * already use them and no API call is made for those chats (design §3.4).
 *
 * A name whose change time is out of range (event-time.ts) is not learned: its time would version
 * the cache index's document into the future. The event itself is still indexed as it came.
 *
 * The names are in the cache index before their events are acked (`NameLearner.learn` writes them
 * there first), so a worker killed after the ack cannot take a rename with it; the chats whose
 * write failed are returned, and the batch gives their events back. (Names from the API need no
 * such care: the API still knows them.)
 */
import { chatNameUpdateFromEvent, type ChatNameUpdate } from "../chat-names/index.ts";
import type { Delivery } from "../source/delivery.ts";
import type { DecodedEvent } from "./decoded-event.ts";
import { DEFAULT_EVENT_TIME_MAX_SKEW_MS, eventTimeProblem } from "./event-time.ts";

export interface NameLearner {
  /** Writes names to the cache index and remembers those it took; answers the chats whose write must be tried again. */
  learn(updates: readonly ChatNameUpdate[]): Promise<ReadonlySet<string>>;
}

export interface LearnedName {
  readonly delivery: Delivery;
  readonly update: ChatNameUpdate;
}

export async function learnChatNames(
  events: readonly DecodedEvent[],
  learner: NameLearner,
  maxSkewMs = DEFAULT_EVENT_TIME_MAX_SKEW_MS,
): Promise<{ learned: LearnedName[]; notWritten: ReadonlySet<string> }> {
  const learned: LearnedName[] = [];
  for (const event of events) {
    const update = chatNameUpdateFromEvent(event.envelope);
    if (!update) continue;
    if (update.changedAt !== undefined && eventTimeProblem(update.changedAt, event.receivedAt, maxSkewMs) !== undefined) continue;
    learned.push({ delivery: event.delivery, update });
  }
  // In change-time order, so a later rename in the batch wins over an earlier one.
  learned.sort((a, b) => (a.update.changedAt ?? 0) - (b.update.changedAt ?? 0));
  const notWritten = await learner.learn(learned.map((l) => l.update));
  return { learned, notWritten };
}
