/**
 * An in-memory topic for tests of everything above the publisher (routes, shutdown). It
 * honours the same contract as the Pub/Sub publisher (see the conformance suite) and adds knobs
 * to act out the failures a real topic has: outages, a missing topic, slow acknowledgements.
 *
 * @example
 * const topic = new MemoryPublisher();
 * topic.failWith("unavailable"); // every publish now rejects like an unreachable Pub/Sub
 * topic.hold();                  // acknowledgements wait until release()
 */
import { PublishError, type EventPublisher, type OutboundMessage, type PublishErrorCode } from "../../src/publishing/event-publisher.ts";

export interface PublishedMessage {
  readonly id: string;
  readonly data: Buffer;
  readonly attributes: Readonly<Record<string, string>>;
}

export interface MemoryPublisherOptions {
  /** false acts out a topic that does not exist. */
  readonly topicExists?: boolean;
}

export class MemoryPublisher implements EventPublisher {
  readonly messages: PublishedMessage[] = [];
  readonly #topicExists: boolean;
  #failure: PublishErrorCode | null = null;
  #held: (() => void)[] | null = null;
  #pending = new Set<Promise<unknown>>();
  #closed = false;
  #nextId = 1;

  constructor({ topicExists = true }: MemoryPublisherOptions = {}) {
    this.#topicExists = topicExists;
  }

  /** Publishes from now on fail with this code (null: back to normal). */
  failWith(code: PublishErrorCode | null): void {
    this.#failure = code;
  }

  /** Acknowledgements wait until `release()`: publishes stay in flight. */
  hold(): void {
    this.#held ??= [];
  }

  release(): void {
    const waiting = this.#held ?? [];
    this.#held = null;
    for (const go of waiting) go();
  }

  /** Messages published and not yet acknowledged or failed. */
  get inFlight(): number {
    return this.#pending.size;
  }

  publish(message: OutboundMessage): Promise<string> {
    if (this.#closed) return Promise.reject(new PublishError("closed", "publisher is closed"));
    const settled = this.#settle(message);
    this.#pending.add(settled);
    const forget = () => this.#pending.delete(settled);
    settled.then(forget, forget);
    return settled;
  }

  async flush(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
  }

  async probe(): Promise<void> {
    this.#check();
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.flush();
  }

  async #settle(message: OutboundMessage): Promise<string> {
    // A real topic answers asynchronously; so does this one.
    await (this.#held ? new Promise<void>((go) => this.#held?.push(go)) : Promise.resolve());
    this.#check();
    const id = String(this.#nextId++);
    // Copy: the caller may reuse its buffer, a real topic would have the bytes by now.
    this.messages.push({ id, data: Buffer.from(message.data), attributes: { ...message.attributes } });
    return id;
  }

  #check(): void {
    if (!this.#topicExists) throw new PublishError("topic_not_found", "topic does not exist");
    if (this.#failure) throw new PublishError(this.#failure, `simulated ${this.#failure}`);
  }
}
