/**
 * The intake on a dedicated worker thread (`publishing-thread.ts`), so the HTTP thread does HTTP.
 *
 * Why: the ceiling of a Node ingress is its one JavaScript thread. Measured on this 2-core machine
 * kind (per-thread CPU under wrk, c=200): a bare Hono app spends ~24 µs of its thread per request;
 * doing the whole intake on that thread costs ~60-75 µs (HMAC, SHA-256, JSON, protobuf, gRPC, and
 * the garbage they leave), which caps it far below the bare app and stretches its p99 (long GC
 * pauses with hundreds of requests in flight). With this split the HTTP thread spends ~28-35 µs
 * (copy the body into the batch for the hand-off, one promise per request) and the publishing
 * thread ~25-32 µs on the other core; p99 and memory are lower. bench/ingress.ts has the figures.
 *
 * Re-measured side by side (same emulator, wrk c=200, a busier machine, so every figure is higher):
 * inline, the HTTP thread needed 71-88 µs per request and capped the ingress at 10-13k req/s; split,
 * the HTTP thread needs 36-45 µs (the bare app 36-40 in the same conditions), the publishing thread
 * 30-38 and V8's GC helper threads 17-25 (mostly this thread's old-generation collections). The
 * split costs more CPU in total (~100-120 vs ~86-105 µs) but no single thread saturates, so it
 * answers more (12-16k req/s). Nearly every remaining µs is the work itself or its garbage.
 *
 * Robustness: a delivery the thread does not answer within the publish timeout (plus a margin)
 * ends as `publish_timeout`; if the thread dies, everything in flight ends as
 * `publish_unavailable` (never a 2xx), it is restarted, and readiness fails until it is back.
 */
import { Worker } from "node:worker_threads";
import type { Logger } from "@periskope-pipeline/observability";
import { PublishError, type EventPublisher, type OutboundMessage } from "../publishing/event-publisher.ts";
import { OUTCOMES, outcomeAt, type Outcome } from "../webhook/outcomes.ts";
import { logPublishFailure } from "./publish-failure-log.ts";
import { DeliveryPacker } from "./delivery-packing.ts";
import { PendingDeliveries } from "./pending-deliveries.ts";
import { NO_EVENT_TYPE, threadConfigFrom, type ErrorReport, type FromThread, type OutcomeBatch, type ThreadConfig, type ToThread } from "./thread-protocol.ts";
import { NO_OBSERVER, type Delivery, type IntakeObserver, type WebhookIntake } from "./webhook-intake.ts";

export interface ThreadedIntakeOptions {
  readonly config: ThreadConfig;
  readonly observer?: IntakeObserver;
  /** Logs publish failures and thread restarts. */
  readonly log: Logger;
  /** Old-generation heap of the thread, in MB: bounds its memory (see config INTAKE_THREAD_HEAP_MB). */
  readonly heapMb: number;
}

const THREAD_URL = new URL("./publishing-thread.ts", import.meta.url);
/**
 * Young generation of the thread (three semi-space sizes in V8): V8 otherwise grows it to 192 MB on
 * a machine with this much memory, which alone would break the ingress's memory budget.
 */
const YOUNG_GENERATION_MB = 24;
/** Answer-by margin over the publish timeout before the HTTP thread gives up on a delivery. */
const ANSWER_MARGIN_MS = 2_000;
const SWEEP_INTERVAL_MS = 500;
/**
 * A hand-off to the thread costs ~13 µs however small (measured: postMessage with transfers), and
 * under load an event-loop turn holds only one or two new requests. So when many deliveries are in
 * flight they gather for up to 1 ms, or until 64 are waiting, and cross together; when few are
 * (light load, where latency matters more than CPU) they cross at the end of the turn.
 */
const HANDOFF_WINDOW_MS = 1;
const HANDOFF_MAX_DELIVERIES = 64;
const RESTART_DELAY_MS = 1_000;

type Resolve<T> = (value: T) => void;
const CLOSED_ERROR: ErrorReport = { code: "unavailable", message: "publishing thread exited" };

export class ThreadedIntake implements WebhookIntake {
  readonly commands: EventPublisher;
  readonly #options: ThreadedIntakeOptions;
  readonly #observer: IntakeObserver;
  #worker!: Worker;
  #ready = false;
  #closing: Promise<void> | undefined;
  #sweeper: NodeJS.Timeout;

  readonly #pending: PendingDeliveries;
  /** The batch gathering for the next hand-off. */
  readonly #packer = new DeliveryPacker();
  #scheduled = false;
  #handoffTimeout: NodeJS.Timeout | undefined;
  #handoffImmediate: NodeJS.Immediate | undefined;

  // Commands and probes are rare: a map per request is fine.
  #requests = new Map<number, Resolve<ErrorReport | string | null>>();
  #nextRequestId = 1;

  private constructor(options: ThreadedIntakeOptions) {
    this.#options = options;
    this.#observer = options.observer ?? NO_OBSERVER;
    this.#pending = new PendingDeliveries(options.config.PUBLISH_TIMEOUT_MS + ANSWER_MARGIN_MS);
    this.commands = {
      publish: (message) => this.#publishCommand(message),
      flush: async () => {},
      probe: () => this.probe(),
      close: async () => {},
    };
    this.#sweeper = setInterval(() => this.#pending.expireOverdue(Date.now(), OUTCOMES.publish_timeout), SWEEP_INTERVAL_MS);
    this.#sweeper.unref();
  }

  /** Starts the thread; resolves once its Pub/Sub publishers exist. */
  static async start(options: ThreadedIntakeOptions): Promise<ThreadedIntake> {
    const intake = new ThreadedIntake(options);
    await intake.#spawn();
    return intake;
  }

  get inFlight(): number {
    return this.#pending.size;
  }

  submit(delivery: Delivery): Promise<Outcome> {
    if (this.#closing) return Promise.resolve(OUTCOMES.shutting_down);
    if (!this.#ready) return Promise.resolve(OUTCOMES.publish_unavailable);
    return new Promise<Outcome>((resolve) => {
      const ticket = this.#pending.open(delivery.receivedAt, resolve);
      if (ticket < 0) return resolve(OUTCOMES.overloaded);
      this.#packer.add(ticket, delivery);
      if (this.#packer.count >= HANDOFF_MAX_DELIVERIES) this.#handOff();
      else if (!this.#scheduled) {
        this.#scheduled = true;
        if (this.#pending.size > HANDOFF_MAX_DELIVERIES) this.#handoffTimeout = setTimeout(() => this.#handOff(), HANDOFF_WINDOW_MS);
        else this.#handoffImmediate = setImmediate(() => this.#handOff());
      }
    });
  }

  async probe(): Promise<void> {
    if (!this.#ready) throw new PublishError("unavailable", "publishing thread is not running");
    const error = await this.#request((id) => ({ kind: "probe", id }));
    if (error !== null && typeof error === "object") throw new PublishError(error.code, error.message);
  }

  /** Answers everything in flight (the thread flushes its publishers), then stops the thread. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      if (this.#scheduled) this.#handOff();
      clearInterval(this.#sweeper);
      if (!this.#ready) return;
      const closed = new Promise<void>((resolve) => this.#worker.once("exit", () => resolve()));
      this.#post({ kind: "close" });
      await closed;
    })();
    return this.#closing;
  }

  #handOff(): void {
    this.#cancelHandoff();
    if (this.#packer.count === 0) return;
    const { batch, transfer } = this.#packer.take();
    this.#post(batch, transfer);
  }

  #cancelHandoff(): void {
    if (!this.#scheduled) return;
    this.#scheduled = false;
    clearTimeout(this.#handoffTimeout);
    clearImmediate(this.#handoffImmediate);
    this.#handoffTimeout = undefined;
    this.#handoffImmediate = undefined;
  }

  #onOutcomes(batch: OutcomeBatch): void {
    for (let i = 0; i < batch.slots.length; i++) {
      const eventType = batch.eventTypes[i] as number;
      if (eventType !== NO_EVENT_TYPE) this.#observer.eventAdmitted(eventType);
      this.#pending.settle(batch.slots[i] as number, outcomeAt(batch.outcomes[i] as number));
    }
  }

  #failEverything(outcome: Outcome): void {
    // Deliveries not yet handed off belong to the dead thread's era too.
    this.#cancelHandoff();
    this.#packer.clear();
    this.#pending.settleAll(outcome);
    for (const resolve of this.#requests.values()) resolve(CLOSED_ERROR);
    this.#requests.clear();
  }

  async #publishCommand(message: OutboundMessage): Promise<string> {
    if (this.#closing) throw new PublishError("closed", "publisher is closed");
    if (!this.#ready) throw new PublishError("unavailable", "publishing thread is not running");
    const result = await this.#request((id) => ({ kind: "command", id, data: message.data, attributes: { ...message.attributes } }));
    if (typeof result === "string") return result;
    throw new PublishError(result?.code ?? "unavailable", result?.message ?? "command publish failed");
  }

  #request(build: (id: number) => ToThread): Promise<ErrorReport | string | null> {
    const id = this.#nextRequestId++;
    return new Promise((resolve) => {
      this.#requests.set(id, resolve);
      this.#post(build(id));
    });
  }

  #post(message: ToThread, transfer: ArrayBuffer[] = []): void {
    this.#worker.postMessage(message, transfer);
  }

  #spawn(): Promise<void> {
    const worker = new Worker(THREAD_URL, {
      workerData: threadConfigFrom(this.#options.config),
      resourceLimits: { maxOldGenerationSizeMb: this.#options.heapMb, maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
    });
    this.#worker = worker;
    return new Promise<void>((resolve, reject) => {
      worker.on("message", (message: FromThread) => {
        switch (message.kind) {
          case "ready":
            this.#ready = true;
            resolve();
            return;
          case "startup-failed":
            reject(new Error(`publishing thread failed to start: ${message.message}`));
            void worker.terminate();
            return;
          case "outcomes":
            this.#onOutcomes(message);
            return;
          case "published":
            this.#onPublished(message.topic, message.messages, message.seconds, message.error);
            return;
          case "command-result":
            this.#requests.get(message.id)?.(message.error ?? message.messageId);
            this.#requests.delete(message.id);
            return;
          case "probe-result":
            this.#requests.get(message.id)?.(message.error);
            this.#requests.delete(message.id);
            return;
          case "closed":
            void worker.terminate();
            return;
        }
      });
      worker.on("error", (error) => this.#options.log.error({ event: "PublishingThreadFailed", stage: "publish", code: "thread_error", err: error }, "publishing thread error"));
      worker.on("exit", (code) => {
        const wasReady = this.#ready;
        this.#ready = false;
        this.#failEverything(this.#closing ? OUTCOMES.shutting_down : OUTCOMES.publish_unavailable);
        if (!wasReady) reject(new Error(`publishing thread exited during startup (code ${code})`));
        if (this.#closing || !wasReady) return;
        this.#options.log.error({ event: "PublishingThreadExited", stage: "publish", code: "thread_exit", exit_code: code, retryable: true }, "publishing thread died; restarting");
        setTimeout(() => {
          if (!this.#closing) this.#spawn().catch((error: unknown) => this.#options.log.error({ event: "PublishingThreadRestartFailed", stage: "publish", code: "thread_start", err: error }, "restart failed"));
        }, RESTART_DELAY_MS).unref();
      });
    });
  }

  #onPublished(topic: string, messages: number, seconds: number, report: ErrorReport | null): void {
    const error = report ? new PublishError(report.code, report.message) : null;
    this.#observer.publishSettled(messages, seconds, error);
    if (error) logPublishFailure(this.#options.log, topic, messages, error);
  }
}
