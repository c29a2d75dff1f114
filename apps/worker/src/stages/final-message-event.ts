/**
 * The order of event-version.ts as a pure function over webhooks, for oracles (the chaos benchmark,
 * tests): which of a message's events its document ends with, whatever order they are delivered in
 * and however often. The same functions decide it as in the pipeline, so the oracle cannot drift.
 *
 * @example
 * const last = finalMessageEvent([{ body: created, receivedAt }, { body: ack, receivedAt }]);
 * // last.event.body is what the document holds (chat_name aside); last.version its _version
 */
import { isMessageEvent, readEnvelope } from "@periskope-pipeline/contracts";
import { DEFAULT_EVENT_TIME_MAX_SKEW_MS, eventTime, eventTimeProblem } from "./event-time.ts";
import { messageVersion } from "./event-version.ts";

export interface ReceivedWebhook {
  /** The webhook body, parsed or as sent. */
  readonly body: unknown;
  /** When the ingress received it (epoch ms): the time of events that carry none. */
  readonly receivedAt: number;
}

/**
 * The version a message event's document is written with, or `undefined` when the pipeline does
 * not index it as a message state (not a message event, invalid envelope, or an event time out of
 * range, which is dead-lettered).
 */
export function messageEventVersion(webhook: ReceivedWebhook, maxSkewMs = DEFAULT_EVENT_TIME_MAX_SKEW_MS): number | undefined {
  let body = webhook.body;
  try {
    if (typeof body === "string") body = JSON.parse(body);
  } catch {
    return undefined;
  }
  const parsed = readEnvelope(body);
  if (!parsed.ok) return undefined;
  const { envelope } = parsed;
  if (!isMessageEvent(envelope.eventType)) return undefined;
  const time = eventTime(envelope, webhook.receivedAt);
  if (eventTimeProblem(time, webhook.receivedAt, maxSkewMs) !== undefined) return undefined;
  return messageVersion(envelope.eventType, time);
}

/**
 * The event one message's document ends with (the highest version; `undefined` when none is
 * indexed). Events of equal version are one state delivered again, so the first of them stands
 * for all; two different events of one kind in one millisecond are outside the order.
 */
export function finalMessageEvent<T extends ReceivedWebhook>(events: readonly T[], maxSkewMs = DEFAULT_EVENT_TIME_MAX_SKEW_MS): { readonly event: T; readonly version: number } | undefined {
  let best: { event: T; version: number } | undefined;
  for (const event of events) {
    const version = messageEventVersion(event, maxSkewMs);
    if (version !== undefined && (best === undefined || version > best.version)) best = { event, version };
  }
  return best;
}
