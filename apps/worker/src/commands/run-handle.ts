/**
 * The worker's hold on one run record while it executes the command: heartbeats, progress and
 * checkpoints, and the final status, each written conditionally on the version this worker last
 * wrote. Writes are serialised (one in flight), so versions never race each other locally.
 *
 * A conflict means someone else wrote the record. It is still ours if it names this worker and this
 * attempt (our own earlier write landed although its answer was lost), and then we carry on from
 * the version we just read; otherwise another worker took the run over: the run's signal aborts
 * with `LostOwnershipError` and nothing more is written.
 *
 * The record is the run's lease: a heartbeat older than `staleAfterMs` lets another worker take the
 * run over. So a worker whose heartbeats keep failing (Elasticsearch unreachable from it alone)
 * stops the run itself, one heartbeat before that could happen, instead of running on beside the
 * new owner.
 */
import { ExponentialBackoff, handleWhen, retry } from "cockatiel";
import type { Logger } from "@periskope-pipeline/observability";
import { LostOwnershipError, type Failure } from "./command-error.ts";
import type { Checkpoint, DocVersion, Progress, Stats, StoredRun } from "./run-record.ts";
import type { CommandsIndex } from "./run-store.ts";

export interface RunHandleOptions {
  heartbeatMs: number;
  /** A run whose heartbeat is older than this may be taken over (`COMMAND_STALE_AFTER_MS`). */
  staleAfterMs: number;
  logger: Logger;
}

/**
 * Final writes (the run's outcome) are retried for about half a minute before the delivery is
 * nacked; a lost run is never retried: it is someone else's now.
 */
const finalWriteRetry = retry(
  handleWhen((error) => !(error instanceof LostOwnershipError)),
  { maxAttempts: 5, backoff: new ExponentialBackoff({ initialDelay: 500, maxDelay: 8_000 }) },
);

export class RunHandle {
  readonly signal: AbortSignal;
  private readonly controller = new AbortController();
  private readonly store: CommandsIndex;
  private readonly options: RunHandleOptions;
  private run: StoredRun;
  private version: DocVersion;
  private queue: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private lastWriteAt = Date.now();

  constructor(store: CommandsIndex, run: StoredRun, version: DocVersion, options: RunHandleOptions) {
    this.store = store;
    this.run = run;
    this.version = version;
    this.options = options;
    this.signal = this.controller.signal;
  }

  get record(): StoredRun {
    return this.run;
  }

  /** Starts the heartbeat; progress writes count as heartbeats too. */
  start(): void {
    this.timer = setInterval(() => {
      const silentMs = Date.now() - this.lastWriteAt;
      if (silentMs > this.options.staleAfterMs - this.options.heartbeatMs) {
        this.lose(new LostOwnershipError(`run ${this.run.command_id} recorded no heartbeat for ${silentMs} ms; another worker may take it over, so it stops`));
        return;
      }
      if (silentMs < this.options.heartbeatMs / 2) return;
      this.write((run) => run, "heartbeat").catch(() => {});
    }, this.options.heartbeatMs);
    this.timer.unref();
  }

  /**
   * Records progress and, optionally, where a takeover should resume. Waits for the write so a
   * checkpoint is durable before the command moves on; a transient failure is logged, not fatal.
   */
  async save(progress: Progress, checkpoint?: Checkpoint): Promise<void> {
    await this.write((run) => ({ ...run, progress, ...(checkpoint ? { checkpoint } : {}) }), "progress");
  }

  async succeed(stats: Stats, progress?: Progress): Promise<void> {
    await this.finish((run) => ({ ...run, status: "succeeded", stats, ...(progress ? { progress } : {}) }));
  }

  async fail(failure: Failure, stats: Stats | undefined): Promise<void> {
    await this.finish((run) => ({ ...run, status: "failed", error: failure, ...(stats ? { stats } : {}) }));
  }

  /** Ends the run without running it: an equal run, `commandId`, was already going. */
  async join(commandId: string): Promise<void> {
    await this.finish((run) => ({ ...run, status: "joined", joined_command_id: commandId }));
  }

  /** Hands the run back (worker stopping): `accepted`, no owner, checkpoint kept for the next worker. */
  async release(): Promise<void> {
    this.stopHeartbeat();
    await this.finalWrite((run) => {
      const { worker_id: _w, heartbeat_at: _h, ...rest } = run;
      return { ...rest, status: "accepted" };
    });
  }

  stopHeartbeat(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private async finish(change: (run: StoredRun) => StoredRun): Promise<void> {
    this.stopHeartbeat();
    await this.finalWrite((run) => {
      const { checkpoint: _c, heartbeat_at: _h, ...rest } = change(run);
      return { ...rest, finished_at: new Date().toISOString() };
    });
  }

  private async finalWrite(change: (run: StoredRun) => StoredRun): Promise<void> {
    await finalWriteRetry.execute(() => this.write(change, "final", { rethrow: true }));
  }

  private write(change: (run: StoredRun) => StoredRun, what: string, { rethrow = false } = {}): Promise<void> {
    const next = this.queue.then(() => this.writeNow(change));
    this.queue = next.catch(() => {});
    return next.catch((error: unknown) => {
      if (error instanceof LostOwnershipError || rethrow) throw error;
      this.options.logger.warn(
        { event: "RunRecordWriteFailed", stage: "commands", code: "write_failed", retryable: true, command_id: this.run.command_id, what, err: error },
        "could not update the run record; will try again",
      );
    });
  }

  private async writeNow(change: (run: StoredRun) => StoredRun): Promise<void> {
    if (this.signal.aborted && this.signal.reason instanceof LostOwnershipError) throw this.signal.reason;
    for (;;) {
      const changed = change(this.run);
      // Only a running record carries a heartbeat: one that has ended or was released is not alive.
      const next: StoredRun = changed.status === "running" ? { ...changed, heartbeat_at: new Date().toISOString() } : changed;
      const result = await this.store.replace(next.command_id, next, this.version);
      if (result.ok) {
        this.run = next;
        this.version = result.version;
        this.lastWriteAt = Date.now();
        return;
      }
      const current = await this.store.get<StoredRun>(this.run.command_id);
      if (current && current.doc.worker_id === this.run.worker_id && current.doc.attempt === this.run.attempt && current.doc.status === "running") {
        this.run = current.doc;
        this.version = current.version;
        continue;
      }
      throw this.lose(new LostOwnershipError(`run ${this.run.command_id} was taken over by ${current?.doc.worker_id ?? "another worker"}`));
    }
  }

  private lose(lost: LostOwnershipError): LostOwnershipError {
    this.stopHeartbeat();
    this.controller.abort(lost);
    return lost;
  }

  /** Aborts the command (worker stopping); the caller then releases or records the run. */
  abort(reason: Error): void {
    this.controller.abort(reason);
  }
}
