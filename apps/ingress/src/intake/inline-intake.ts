/**
 * The intake on the calling thread: admit, publish, answer.
 *
 * @example
 * const intake = new InlineIntake({ verify: createSignatureVerifier(key), publisher: new MemoryPublisher() });
 * const outcome = await intake.submit({ body, signature, requestId, receivedAt: Date.now() });
 */
import { isPublishError, PublishError, type EventPublisher } from "../publishing/event-publisher.ts";
import { admitWebhook } from "../webhook/admit.ts";
import { eventMessage } from "../webhook/event-message.ts";
import { eventTypeLabelIndex } from "../webhook/event-type-label.ts";
import { OUTCOMES, type Outcome } from "../webhook/outcomes.ts";
import type { SignatureVerifier } from "../webhook/signature.ts";
import { NO_OBSERVER, unavailableOutcome, type Delivery, type IntakeObserver, type WebhookIntake } from "./webhook-intake.ts";

export interface InlineIntakeOptions {
  /** null: signature verification explicitly disabled. */
  readonly verify: SignatureVerifier | null;
  readonly publisher: EventPublisher;
  readonly observer?: IntakeObserver;
}

export class InlineIntake implements WebhookIntake {
  readonly #verify: SignatureVerifier | null;
  readonly #publisher: EventPublisher;
  readonly #observer: IntakeObserver;
  #inFlight = 0;
  #closed = false;

  constructor({ verify, publisher, observer = NO_OBSERVER }: InlineIntakeOptions) {
    this.#verify = verify;
    this.#publisher = publisher;
    this.#observer = observer;
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  async submit(delivery: Delivery): Promise<Outcome> {
    if (this.#closed) return OUTCOMES.shutting_down;
    const admission = admitWebhook(delivery.body, delivery.signature, this.#verify);
    if (!admission.ok) return OUTCOMES[admission.code];
    this.#observer.eventAdmitted(eventTypeLabelIndex(admission.eventType));
    const message = eventMessage(delivery.body, admission.eventType, delivery.requestId, new Date(delivery.receivedAt).toISOString());
    this.#inFlight++;
    try {
      await this.#publisher.publish(message);
      return OUTCOMES.accepted;
    } catch (error) {
      return unavailableOutcome(isPublishError(error) ? error : new PublishError("unavailable", String(error), { cause: error }));
    } finally {
      this.#inFlight--;
    }
  }

  probe(): Promise<void> {
    return this.#publisher.probe();
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#publisher.flush();
  }
}
