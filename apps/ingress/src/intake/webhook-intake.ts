/**
 * The webhook intake: what happens to a delivery once the HTTP layer has its bytes: admit
 * (signature, encoding, envelope), publish, and say how it ended. Two ways to run it:
 * - `inline-intake.ts`: on the HTTP thread; simplest, used by most tests;
 * - `threaded-intake.ts`: on a worker thread, so the HTTP thread only does HTTP (the default in
 *   production; see that file for the measurements behind it).
 *
 * Both answer with an `Outcome` (never throw for a delivery), and report what they see through an
 * `IntakeObserver`, which the app turns into metrics and logs.
 */
import type { PublishError } from "../publishing/event-publisher.ts";
import { OUTCOMES, type Outcome } from "../webhook/outcomes.ts";

export interface Delivery {
  readonly body: Uint8Array;
  /** `x-periskope-signature` as sent. */
  readonly signature: string | undefined;
  readonly requestId: string;
  /** Epoch ms of receipt. */
  readonly receivedAt: number;
}

export interface IntakeObserver {
  /** An event passed every check (label index into `EVENT_TYPE_LABELS`). */
  eventAdmitted(eventTypeLabel: number): void;
  /** One Publish request settled. */
  publishSettled(messages: number, seconds: number, error: PublishError | null): void;
}

export interface WebhookIntake {
  submit(delivery: Delivery): Promise<Outcome>;
  /** Deliveries submitted and not yet answered: the backpressure bound applies to this. */
  readonly inFlight: number;
  /** Rejects when the topic cannot be reached. */
  probe(): Promise<void>;
  /** Answers everything submitted so far, then stops; later submissions end as `shutting_down`. */
  close(): Promise<void>;
}

/** How a failed publish ends for the sender: always a 503, with a code saying why. */
export function unavailableOutcome(error: PublishError): Outcome {
  if (error.code === "timeout") return OUTCOMES.publish_timeout;
  if (error.code === "closed") return OUTCOMES.shutting_down;
  if (!error.retryable) return OUTCOMES.publish_misconfigured;
  return OUTCOMES.publish_unavailable;
}

export const NO_OBSERVER: IntakeObserver = { eventAdmitted: () => {}, publishSettled: () => {} };
