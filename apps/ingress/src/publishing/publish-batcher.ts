/**
 * Gathers messages into Publish requests: as many as arrive while the previous requests are in
 * flight, up to a count and a byte limit, each answered when its request is acknowledged.
 *
 * Why not the client library's own batching: its batches close on a timer (`maxMilliseconds`), so a
 * webhook waits for the timer even when the service is idle, and under load every message pays the
 * library's per-message bookkeeping. Here batches are self-clocking: with `maxDelayMs` 0 a batch
 * closes at the end of the current event-loop turn (everything that arrived in the same I/O burst
 * shares a request) and, while `maxConcurrentRequests` requests are in flight, newcomers gather
 * into the next one, which leaves as soon as a slot frees. Light load: no added latency; heavy
 * load: large batches and few requests.
 *
 * Every message carries a deadline (`timeoutMs` from `add`): one that expires in the queue fails
 * with `timeout` without being sent, and a request's timeout is its oldest message's remaining time.
 *
 * @example
 * const batcher = new PublishBatcher(send, { maxMessages: 1000, maxBytes: 4 << 20, maxDelayMs: 0, maxConcurrentRequests: 4, timeoutMs: 10_000 });
 * const id = await batcher.add({ data, attributes });
 */
import { PublishError, type OutboundMessage } from "./event-publisher.ts";

export interface BatchSettings {
  readonly maxMessages: number;
  readonly maxBytes: number;
  /** 0: close a batch at the end of the current event-loop turn. */
  readonly maxDelayMs: number;
  readonly maxConcurrentRequests: number;
  /** Per message, from `add` to acknowledgement. */
  readonly timeoutMs: number;
}

/** Sends one Publish request; resolves with one id per message, in order; rejects with a PublishError. */
export type SendBatch = (messages: OutboundMessage[], timeoutMs: number) => Promise<string[]>;

/** Told about every request, for metrics. */
export type BatchObserver = (messages: number, seconds: number, error: PublishError | null) => void;

/**
 * Called once per message with the caller's token: one shared function for all messages, so a
 * caller publishing thousands per second allocates no closure or promise per message.
 */
export type Settled = (token: number, error: PublishError | null, messageId: string) => void;

interface Entry {
  readonly message: OutboundMessage;
  readonly bytes: number;
  readonly deadline: number;
  readonly token: number;
  readonly done: Settled;
}



/** Protobuf framing per message and per attribute, rounded up; the batch byte limit is a soft one. */
const MESSAGE_OVERHEAD_BYTES = 16;
const ATTRIBUTE_OVERHEAD_BYTES = 8;

export class PublishBatcher {
  readonly #send: SendBatch;
  readonly #settings: BatchSettings;
  readonly #observe: BatchObserver | undefined;
  #queue: Entry[] = [];
  #queuedBytes = 0;
  #requestsInFlight = 0;
  #messagesInFlight = 0;
  #due = false;
  #timer: NodeJS.Timeout | NodeJS.Immediate | undefined;
  #closed = false;
  #idleWaiters: (() => void)[] = [];

  constructor(send: SendBatch, settings: BatchSettings, observe?: BatchObserver) {
    this.#send = send;
    this.#settings = settings;
    this.#observe = observe;
  }

  /** Messages queued or in flight. */
  get pending(): number {
    return this.#queue.length + this.#messagesInFlight;
  }

  add(message: OutboundMessage): Promise<string> {
    return new Promise<string>((resolve, reject) => this.enqueue(message, 0, (_token, error, id) => (error ? reject(error) : resolve(id))));
  }

  /** Queues a message; `done(token, error, id)` runs once it is acknowledged or failed. */
  enqueue(message: OutboundMessage, token: number, done: Settled): void {
    if (this.#closed) {
      done(token, new PublishError("closed", "publisher is closed"), "");
      return;
    }
    const bytes = messageBytes(message);
    this.#queue.push({ message, bytes, deadline: Date.now() + this.#settings.timeoutMs, token, done });
    this.#queuedBytes += bytes;
    if (this.#queue.length >= this.#settings.maxMessages || this.#queuedBytes >= this.#settings.maxBytes) this.#due = true;
    if (this.#due) this.#pump();
    else this.#schedule();
  }

  /** Sends what is queued without waiting for the batch delay; resolves once nothing is pending. */
  flush(): Promise<void> {
    this.#due = this.#queue.length > 0;
    this.#pump();
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Refuses new messages; queued and in-flight ones still complete. */
  close(): Promise<void> {
    this.#closed = true;
    return this.flush();
  }

  #schedule(): void {
    if (this.#timer !== undefined) return;
    const fire = () => {
      this.#timer = undefined;
      this.#due = true;
      this.#pump();
    };
    this.#timer = this.#settings.maxDelayMs === 0 ? setImmediate(fire) : setTimeout(fire, this.#settings.maxDelayMs);
  }

  #pump(): void {
    while (this.#due && this.#queue.length > 0 && this.#requestsInFlight < this.#settings.maxConcurrentRequests) {
      this.#sendNext();
    }
    if (this.#queue.length === 0) this.#due = false;
    this.#notifyIfIdle();
  }

  #sendNext(): void {
    const now = Date.now();
    const batch: Entry[] = [];
    let bytes = 0;
    let taken = 0;
    let takenBytes = 0;
    for (; taken < this.#queue.length && batch.length < this.#settings.maxMessages; taken++) {
      const entry = this.#queue[taken] as Entry;
      if (entry.deadline <= now) {
        takenBytes += entry.bytes;
        entry.done(entry.token, new PublishError("timeout", "no publish slot before the deadline"), "");
        continue;
      }
      if (batch.length > 0 && bytes + entry.bytes > this.#settings.maxBytes) break;
      batch.push(entry);
      bytes += entry.bytes;
    }
    this.#queue = taken === this.#queue.length ? [] : this.#queue.slice(taken);
    this.#queuedBytes -= takenBytes + bytes;
    if (batch.length === 0) return;

    this.#requestsInFlight++;
    this.#messagesInFlight += batch.length;
    // The oldest message has the least time left; the whole request must answer within it.
    const timeoutMs = (batch[0] as Entry).deadline - now;
    const started = performance.now();
    this.#send(
      batch.map((entry) => entry.message),
      timeoutMs,
    ).then(
      (ids) => this.#settle(batch, started, null, ids),
      (error: unknown) => this.#settle(batch, started, toPublishError(error), null),
    );
  }

  #settle(batch: Entry[], started: number, error: PublishError | null, ids: string[] | null): void {
    this.#requestsInFlight--;
    this.#messagesInFlight -= batch.length;
    this.#observe?.(batch.length, (performance.now() - started) / 1000, error);
    if (error === null && ids !== null) {
      for (let i = 0; i < batch.length; i++) {
        const entry = batch[i] as Entry;
        entry.done(entry.token, null, ids[i] ?? "");
      }
    } else {
      const failure = error ?? new PublishError("unavailable", "publish returned no ids");
      for (const entry of batch) entry.done(entry.token, failure, "");
    }
    // Whatever gathered while this request was out leaves now: the self-clocking step.
    if (this.#queue.length > 0) this.#due = true;
    this.#pump();
  }

  #notifyIfIdle(): void {
    if (this.pending > 0 || this.#idleWaiters.length === 0) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

function messageBytes(message: OutboundMessage): number {
  let bytes = message.data.byteLength + MESSAGE_OVERHEAD_BYTES;
  // Attribute keys and values are short ASCII (event names, ids, ISO times): length is byte length.
  for (const key in message.attributes) bytes += key.length + (message.attributes[key] as string).length + ATTRIBUTE_OVERHEAD_BYTES;
  return bytes;
}

function toPublishError(error: unknown): PublishError {
  return error instanceof PublishError ? error : new PublishError("unavailable", String((error as Error)?.message ?? error), { cause: error });
}
