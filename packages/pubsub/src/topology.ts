/**
 * The Pub/Sub topology of design §1, as data (so Terraform checks can compare against it) and as an
 * idempotent setup for the emulator and for first deploys.
 *
 * Events flow `events topic → events subscription → worker`; a message the worker cannot process
 * after `maxDeliveryAttempts` is forwarded by Pub/Sub itself to the dead-letter topic (the worker
 * also dead-letters poison explicitly, with a reason). Commands have their own topic and
 * subscription. The dead-letter topic has two subscriptions: one `replay-dead-letters` drains, and
 * one the worker reads to record every dead letter (its own and Pub/Sub's) in the events index.
 */
import type { PubSub } from "@google-cloud/pubsub";
import { isAlreadyExists } from "./client.ts";

export interface TopologyNames {
  readonly eventsTopic: string;
  readonly eventsSubscription: string;
  readonly commandsTopic: string;
  readonly commandsSubscription: string;
  readonly deadLetterTopic: string;
  readonly deadLetterSubscription: string;
  readonly deadLetterRecordsSubscription: string;
}

export interface SubscriptionSpec {
  readonly name: string;
  readonly topic: string;
  readonly ackDeadlineSeconds: number;
  readonly messageRetentionSeconds: number;
  /** Absent: a nacked message is redelivered at once. */
  readonly retryPolicy?: { readonly minimumBackoffSeconds: number; readonly maximumBackoffSeconds: number };
  readonly deadLetter?: { readonly topic: string; readonly maxDeliveryAttempts: number };
}

export interface TopologySpec {
  readonly topics: readonly string[];
  readonly subscriptions: readonly SubscriptionSpec[];
}

const DAY = 86_400;

/** Defaults mirrored by `infra/terraform` (checked there). */
export const SUBSCRIPTION_POLICY = {
  /** Long enough for one micro-batch round trip; the client extends leases while work is in flight. */
  ackDeadlineSeconds: 60,
  /** Nacked messages come back after 10 s growing to 10 min, so an outage is not a hot loop. */
  retryPolicy: { minimumBackoffSeconds: 10, maximumBackoffSeconds: 600 },
  /** Pub/Sub's own last resort; the worker dead-letters known poison on the first attempt. */
  maxDeliveryAttempts: 10,
  eventsRetentionSeconds: 7 * DAY,
  /** The longest Pub/Sub allows: dead letters wait for an operator, who may be on holiday. */
  deadLetterRetentionSeconds: 31 * DAY,
  commandsRetentionSeconds: 1 * DAY,
} as const;

export function topologySpec(names: TopologyNames): TopologySpec {
  const retry = SUBSCRIPTION_POLICY.retryPolicy;
  return {
    topics: [names.eventsTopic, names.commandsTopic, names.deadLetterTopic],
    subscriptions: [
      {
        name: names.eventsSubscription,
        topic: names.eventsTopic,
        ackDeadlineSeconds: SUBSCRIPTION_POLICY.ackDeadlineSeconds,
        messageRetentionSeconds: SUBSCRIPTION_POLICY.eventsRetentionSeconds,
        retryPolicy: retry,
        deadLetter: { topic: names.deadLetterTopic, maxDeliveryAttempts: SUBSCRIPTION_POLICY.maxDeliveryAttempts },
      },
      {
        name: names.commandsSubscription,
        topic: names.commandsTopic,
        ackDeadlineSeconds: SUBSCRIPTION_POLICY.ackDeadlineSeconds,
        messageRetentionSeconds: SUBSCRIPTION_POLICY.commandsRetentionSeconds,
        retryPolicy: retry,
      },
      {
        // Drained on demand by `replay-dead-letters`; a dry run or a filter nacks what it does not
        // move, and those messages must be visible again at once, so no retry backoff here.
        name: names.deadLetterSubscription,
        topic: names.deadLetterTopic,
        ackDeadlineSeconds: SUBSCRIPTION_POLICY.ackDeadlineSeconds,
        messageRetentionSeconds: SUBSCRIPTION_POLICY.deadLetterRetentionSeconds,
      },
      {
        // Read by the worker, which records each dead letter in the events index and acks; nacked
        // (Elasticsearch down) records come back with the usual backoff.
        name: names.deadLetterRecordsSubscription,
        topic: names.deadLetterTopic,
        ackDeadlineSeconds: SUBSCRIPTION_POLICY.ackDeadlineSeconds,
        messageRetentionSeconds: SUBSCRIPTION_POLICY.deadLetterRetentionSeconds,
        retryPolicy: retry,
      },
    ],
  };
}

/**
 * A topology of its own for a test or a benchmark sharing one emulator with others: every name
 * carries `scope`, so runs never see each other's messages.
 */
export function scopedTopologyNames(scope: string): TopologyNames {
  return {
    eventsTopic: `events-${scope}`,
    eventsSubscription: `events-${scope}-worker`,
    commandsTopic: `commands-${scope}`,
    commandsSubscription: `commands-${scope}-worker`,
    deadLetterTopic: `dead-${scope}`,
    deadLetterSubscription: `dead-${scope}-replay`,
    deadLetterRecordsSubscription: `dead-${scope}-records`,
  };
}

/** Topology names from the shared `PUBSUB_*` settings. */
export function topologyNamesFromEnv(env: {
  PUBSUB_EVENTS_TOPIC: string;
  PUBSUB_EVENTS_SUBSCRIPTION: string;
  PUBSUB_COMMANDS_TOPIC: string;
  PUBSUB_COMMANDS_SUBSCRIPTION: string;
  PUBSUB_DEAD_LETTER_TOPIC: string;
  PUBSUB_DEAD_LETTER_SUBSCRIPTION: string;
  PUBSUB_DEAD_LETTER_RECORDS_SUBSCRIPTION: string;
}): TopologyNames {
  return {
    eventsTopic: env.PUBSUB_EVENTS_TOPIC,
    eventsSubscription: env.PUBSUB_EVENTS_SUBSCRIPTION,
    commandsTopic: env.PUBSUB_COMMANDS_TOPIC,
    commandsSubscription: env.PUBSUB_COMMANDS_SUBSCRIPTION,
    deadLetterTopic: env.PUBSUB_DEAD_LETTER_TOPIC,
    deadLetterSubscription: env.PUBSUB_DEAD_LETTER_SUBSCRIPTION,
    deadLetterRecordsSubscription: env.PUBSUB_DEAD_LETTER_RECORDS_SUBSCRIPTION,
  };
}

/** The emulator refuses retention beyond 7 days (real Pub/Sub keeps messages up to 31). */
const EMULATOR_MAX_RETENTION_SECONDS = 7 * DAY;

/** Creates whatever is missing; existing topics and subscriptions are left as they are. */
export async function ensureTopology(pubsub: PubSub, names: TopologyNames): Promise<TopologySpec> {
  const spec = topologySpec(names);
  await Promise.all(spec.topics.map((topic) => ignoreExisting(pubsub.createTopic(topic))));
  for (const sub of spec.subscriptions) {
    await ignoreExisting(
      pubsub.topic(sub.topic).createSubscription(sub.name, {
        ackDeadlineSeconds: sub.ackDeadlineSeconds,
        messageRetentionDuration: { seconds: pubsub.isEmulator ? Math.min(sub.messageRetentionSeconds, EMULATOR_MAX_RETENTION_SECONDS) : sub.messageRetentionSeconds },
        ...(sub.retryPolicy
          ? {
              retryPolicy: {
                minimumBackoff: { seconds: sub.retryPolicy.minimumBackoffSeconds },
                maximumBackoff: { seconds: sub.retryPolicy.maximumBackoffSeconds },
              },
            }
          : {}),
        // Subscriptions without activity must never expire in a pipeline that may be idle for weeks.
        expirationPolicy: {},
        ...(sub.deadLetter
          ? {
              deadLetterPolicy: {
                deadLetterTopic: pubsub.topic(sub.deadLetter.topic).name,
                maxDeliveryAttempts: sub.deadLetter.maxDeliveryAttempts,
              },
            }
          : {}),
      }),
    );
  }
  return spec;
}

/** Removes the topology's subscriptions and topics (tests and local resets only). */
export async function deleteTopology(pubsub: PubSub, names: TopologyNames): Promise<void> {
  const spec = topologySpec(names);
  await Promise.allSettled(spec.subscriptions.map((s) => pubsub.subscription(s.name).delete()));
  await Promise.allSettled(spec.topics.map((t) => pubsub.topic(t).delete()));
}

async function ignoreExisting(creation: Promise<unknown>): Promise<void> {
  try {
    await creation;
  } catch (error) {
    if (!isAlreadyExists(error)) throw error;
  }
}
