/**
 * `replay-dead-letters` (design §5): move messages from the dead-letter subscription back to the
 * events topic, e.g. after a mapping fix, so the worker indexes them this time.
 *
 * Each message is republished with its original bytes and attributes (`replay-attributes.ts`) and
 * acknowledged on the dead-letter subscription only after the publish was acknowledged, so a crash
 * in between duplicates at worst (harmless: documents are keyed by message id) and never loses.
 * Messages not replayed — filtered out by `event_type`, or all of them in a dry run — are held
 * until the end and then nacked, so they stay in the dead-letter subscription and are counted once.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { PubSub } from "@google-cloud/pubsub";
import type { CommandArgs } from "@periskope-pipeline/commands";
import { CommandError } from "../command-error.ts";
import type { RunContext } from "../run-context.ts";
import type { Stats } from "../run-record.ts";
import { DeadLetterPuller, type PulledMessage } from "./dead-letter-puller.ts";
import { eventTypeOf, originalAttributes } from "./replay-attributes.ts";

export interface ReplayDeps {
  pubsub: PubSub;
  deadLetterSubscription: string;
  eventsTopic: string;
  /** Messages pulled per round. */
  batchSize: number;
  /**
   * How long nothing must arrive before the subscription counts as drained. Pub/Sub applies the
   * subscription's retry backoff to nacked messages, so dead letters a dry run or an event_type
   * filter just handed back stay invisible for that long; the window must outlast it.
   */
  idleMs: number;
}

/** Pause between pulls that found nothing, while waiting out the idle window. */
const EMPTY_PULL_PAUSE_MS = 500;
/** Messages a replay holds back (filtered or dry run) before it stops, bounding its memory and leases. */
const MAX_HELD = 10_000;
/** Held messages' deadline, renewed every round, so they do not come back to us mid-run. */
const HOLD_SECONDS = 300;

interface Counters {
  pulled: number;
  moved: number;
  /** Dry run: messages that would be moved. */
  would_move: number;
  /**
   * Left in place because their event type did not match. (Not `skipped`: stats fields share one
   * dynamic mapping across command types, and warm-up's `skipped` is a boolean.)
   */
  not_matching: number;
  publish_failed: number;
}

export async function replayDeadLetters(deps: ReplayDeps, args: CommandArgs<"replay-dead-letters">, ctx: RunContext): Promise<Stats> {
  const started = Date.now();
  const dryRun = args.dry_run ?? false;
  // A dry run starts over: what the previous attempt held comes back to the subscription anyway.
  const counters: Counters = { pulled: 0, moved: 0, would_move: 0, not_matching: 0, publish_failed: 0, ...(dryRun ? {} : previousCounters(ctx)) };
  const limit = args.limit ?? Number.POSITIVE_INFINITY;
  const puller = await DeadLetterPuller.open(deps.pubsub, deps.deadLetterSubscription);
  const topic = deps.pubsub.topic(deps.eventsTopic);
  const held = new Map<string, string>(); // messageId → latest ackId
  let stopReason = "drained";
  try {
    let lastMessageAt = Date.now();
    for (;;) {
      ctx.signal.throwIfAborted();
      const wanted = Math.min(deps.batchSize, limit - (dryRun ? counters.would_move : counters.moved));
      if (wanted <= 0) {
        stopReason = "limit";
        break;
      }
      if (held.size >= MAX_HELD) {
        stopReason = "held_limit";
        break;
      }
      const messages = await puller.pull(wanted);
      if (messages.length === 0) {
        if (Date.now() - lastMessageAt >= deps.idleMs) break;
        await sleep(EMPTY_PULL_PAUSE_MS, undefined, { signal: ctx.signal });
        continue;
      }
      lastMessageAt = Date.now();
      const toMove: PulledMessage[] = [];
      for (const message of messages) {
        if (held.has(message.messageId)) {
          // A held message came back (its deadline lapsed): keep holding it, under its new ack id.
          held.set(message.messageId, message.ackId);
          continue;
        }
        counters.pulled++;
        if (args.event_type !== undefined && eventTypeOf(message.attributes, message.data) !== args.event_type) {
          counters.not_matching++;
          held.set(message.messageId, message.ackId);
        } else if (dryRun) {
          counters.would_move++;
          held.set(message.messageId, message.ackId);
        } else toMove.push(message);
      }
      await move(puller, topic, toMove, held, counters);
      if (held.size > 0) await puller.extend([...held.values()], HOLD_SECONDS);
      await ctx.save({ ...counters }, { counters: { ...counters } });
    }
  } finally {
    // Whatever happened, what we did not replay goes back at once.
    await puller.nack([...held.values()]).catch((error: unknown) =>
      ctx.logger.warn(
        { event: "DeadLettersNotHandedBack", stage: "replay", code: "nack_failed", retryable: true, count: held.size, err: error },
        `could not hand back held dead letters; they return after ${HOLD_SECONDS} s`,
      ),
    );
    await puller.close().catch(() => {});
  }

  const stats: Stats = { ...counters, dry_run: dryRun, stopped: stopReason, duration_ms: Date.now() - started };
  if (counters.publish_failed > 0) {
    throw new CommandError("replay_publish_failed", `${counters.publish_failed} message(s) could not be republished and stay in the dead-letter subscription; ${counters.moved} were moved`, {
      stats: { ...stats, complete: false },
    });
  }
  return stats;
}

async function move(puller: DeadLetterPuller, topic: ReturnType<PubSub["topic"]>, messages: readonly PulledMessage[], held: Map<string, string>, counters: Counters): Promise<void> {
  if (messages.length === 0) return;
  const results = await Promise.allSettled(messages.map((m) => topic.publishMessage({ data: m.data, attributes: originalAttributes(m.attributes) })));
  const published: string[] = [];
  results.forEach((result, i) => {
    const message = messages[i] as PulledMessage;
    if (result.status === "fulfilled") published.push(message.ackId);
    else {
      counters.publish_failed++;
      held.set(message.messageId, message.ackId);
    }
  });
  // Acknowledged only now: the copies are durably on the events topic.
  await puller.ack(published);
  counters.moved += published.length;
}

/** A takeover continues the counts of the attempt before it (its moves are already acknowledged). */
function previousCounters(ctx: RunContext): Partial<Counters> {
  const progress = ctx.checkpoint?.counters;
  if (!progress || typeof progress !== "object") return {};
  const result: Partial<Counters> = {};
  for (const [key, value] of Object.entries(progress)) if (typeof value === "number") (result as Record<string, number>)[key] = value;
  return result;
}
