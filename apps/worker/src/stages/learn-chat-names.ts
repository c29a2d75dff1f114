/**
 * Learn: names carried by the batch's own events (`chat.created`, group subject notifications)
 * go into the caches before names are resolved, so messages in the same batch already use them and
 * no API call is made for those chats (design §3.4).
 *
 * A name whose change time is out of range (event-time.ts) is not learned: its time would version
 * the cache index's document into the future. The event itself is still indexed as it came.
 */
import { chatNameUpdateFromEvent, type ChatNameUpdate } from "../chat-names/index.ts";
import type { DecodedEvent } from "./decoded-event.ts";
import { DEFAULT_EVENT_TIME_MAX_SKEW_MS, eventTimeProblem } from "./event-time.ts";

export interface NameLearner {
  learn(updates: readonly ChatNameUpdate[]): void;
}

export function learnChatNames(events: readonly DecodedEvent[], learner: NameLearner, maxSkewMs = DEFAULT_EVENT_TIME_MAX_SKEW_MS): number {
  const updates: ChatNameUpdate[] = [];
  for (const event of events) {
    const update = chatNameUpdateFromEvent(event.envelope);
    if (!update) continue;
    if (update.changedAt !== undefined && eventTimeProblem(update.changedAt, event.receivedAt, maxSkewMs) !== undefined) continue;
    updates.push(update);
  }
  // In arrival order, so a rename later in the batch wins over an earlier one.
  updates.sort((a, b) => (a.changedAt ?? 0) - (b.changedAt ?? 0));
  learner.learn(updates);
  return updates.length;
}
