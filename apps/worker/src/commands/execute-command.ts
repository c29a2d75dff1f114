/**
 * One delivery of a command, from bytes to "ack" or "nack" (the subscriber acts on the answer):
 * decode, claim the run record (see `claim.ts`), run the command with heartbeats, record how it
 * ended. Exactly one worker runs a command at a time; a run whose worker died is taken over; a
 * worker that stops releases its run with a checkpoint for the next one.
 *
 * A run that fails is recorded as failed and acknowledged: commands are operator actions, and
 * retrying one blindly (a refresh hitting an API outage every 10 minutes) helps nobody. Nack is for
 * deliveries whose outcome could not be recorded, so another delivery finishes the job.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { describeIssues, newCommand, parseCommandMessage, parseCommandRequest, type CommandMessage } from "@periskope-pipeline/commands";
import type { Logger } from "@periskope-pipeline/observability";
import { decideClaim } from "./claim.ts";
import { CommandError, LostOwnershipError, RunReleasedError, describeFailure } from "./command-error.ts";
import type { CommandMetrics } from "./command-metrics.ts";
import type { CommandHandlers } from "./handlers.ts";
import { JoinedRun } from "./run-context.ts";
import { RunHandle } from "./run-handle.ts";
import { RUN_KIND, newRun, type StoredRun } from "./run-record.ts";
import { CommandsIndex, CommandsIndexError } from "./run-store.ts";

export type DeliveryOutcome = "ack" | "nack";

/** One Pub/Sub delivery of the commands subscription. */
export interface CommandDelivery {
  readonly data: Buffer;
  readonly messageId: string;
  readonly publishTime: Date;
  readonly attributes: Readonly<Record<string, string>>;
}

export interface ExecutorOptions {
  store: CommandsIndex;
  handlers: CommandHandlers;
  workerId: string;
  heartbeatMs: number;
  staleAfterMs: number;
  logger: Logger;
  metrics: CommandMetrics;
}

/** Pause before nacking when Elasticsearch is unreachable, so redelivery is not a hot loop. */
const UNAVAILABLE_PAUSE_MS = 5_000;

export async function executeDelivery(options: ExecutorOptions, delivery: CommandDelivery, stopping: AbortSignal): Promise<DeliveryOutcome> {
  const { logger } = options;
  const command = decode(delivery);
  if (!command.ok) {
    logger.error({ event: "CommandRejected", stage: "commands", code: "invalid_command", retryable: false, issues: command.issues }, "command message is not a valid command");
    options.metrics.runs.inc({ type: "invalid", outcome: "rejected" });
    if (command.commandId) await recordRejected(options, command.commandId, command.issues).catch(() => {});
    return "ack";
  }
  try {
    return await claimAndRun(options, command.message, stopping);
  } catch (error) {
    // Only the commands index can fail here (claims and final writes); the command itself cannot.
    const retryable = !(error instanceof CommandsIndexError) || error.retryable;
    logger.error(
      { event: "CommandRecordUnavailable", stage: "commands", code: "commands_index_error", retryable, command_id: command.message.command_id, err: error },
      "could not read or write the run record; the command will be delivered again",
    );
    if (!stopping.aborted) await sleep(UNAVAILABLE_PAUSE_MS, undefined, { signal: stopping }).catch(() => {});
    return "nack";
  }
}

async function claimAndRun(options: ExecutorOptions, command: CommandMessage, stopping: AbortSignal): Promise<DeliveryOutcome> {
  const { store, logger, workerId } = options;
  const id = command.command_id;
  let watching = false;
  for (;;) {
    if (stopping.aborted) return "nack";
    const existing = await store.get<StoredRun>(id);
    const decision = decideClaim(existing?.doc ?? null, Date.now(), options.staleAfterMs);
    switch (decision.action) {
      case "create": {
        const run = newRun(command, workerId, new Date());
        const created = await store.create(id, run);
        if (created.ok) return run_(options, new RunHandle(store, run, created.version, handleOptions(options)), command, stopping);
        continue;
      }
      case "done":
        logger.info({ event: "CommandAlreadyRun", stage: "commands", command_id: id, status: decision.status }, "command already ran; delivery acknowledged");
        return "ack";
      case "take-over": {
        if (!existing) continue;
        const now = new Date().toISOString();
        const { error: _error, ...previous } = existing.doc;
        // The record may have been written by a publisher (status accepted, no runner fields yet).
        const run: StoredRun = {
          ...previous,
          kind: RUN_KIND,
          type: command.type,
          args: command.args as Record<string, unknown>,
          requested_at: previous.requested_at ?? command.requested_at,
          status: "running",
          worker_id: workerId,
          started_at: previous.started_at ?? now,
          heartbeat_at: now,
          attempt: (previous.attempt ?? 0) + 1,
        };
        const taken = await store.replace(id, run, existing.version);
        if (!taken.ok) continue;
        logger.warn(
          { event: "CommandTakenOver", stage: "commands", command_id: id, reason: decision.reason, previous_worker: existing.doc.worker_id, attempt: run.attempt },
          decision.reason === "stale" ? "took over a run whose worker stopped sending heartbeats" : "resumed a released run",
        );
        return run_(options, new RunHandle(store, run, taken.version, handleOptions(options)), command, stopping);
      }
      case "watch":
        if (!watching) logger.info({ event: "CommandWatched", stage: "commands", command_id: id, holder: decision.holder }, "command is running on another worker; watching it");
        watching = true;
        await sleep(options.heartbeatMs, undefined, { signal: stopping }).catch(() => {});
        continue;
    }
  }
}

async function run_(options: ExecutorOptions, handle: RunHandle, command: CommandMessage, stopping: AbortSignal): Promise<DeliveryOutcome> {
  const { logger, metrics } = options;
  const id = command.command_id;
  const started = performance.now();
  const onStop = () => handle.abort(new RunReleasedError("worker stopping"));
  stopping.addEventListener("abort", onStop, { once: true });
  if (stopping.aborted) onStop();
  handle.start();
  logger.info({ event: "CommandStarted", stage: "commands", command_id: id, type: command.type, attempt: handle.record.attempt }, `running ${command.type}`);
  try {
    const result = await options.handlers.run(command, {
      commandId: id,
      signal: handle.signal,
      checkpoint: handle.record.checkpoint,
      logger: logger.child({ command_id: id, type: command.type }),
      save: (progress, checkpoint) => handle.save(progress, checkpoint),
    });
    // A run that completed is recorded as succeeded even if the worker began stopping meanwhile;
    // only a run this worker no longer owns is not.
    if (handle.signal.reason instanceof LostOwnershipError) throw handle.signal.reason;
    if (result instanceof JoinedRun) {
      await handle.join(result.commandId);
      metrics.runs.inc({ type: command.type, outcome: "joined" });
      logger.info({ event: "CommandJoined", stage: "commands", command_id: id, type: command.type, joined_command_id: result.commandId }, `joined the running ${result.commandId}`);
      return "ack";
    }
    const stats = result;
    await handle.succeed(stats);
    metrics.runs.inc({ type: command.type, outcome: "succeeded" });
    metrics.duration.observe({ type: command.type }, (performance.now() - started) / 1000);
    logger.info({ event: "CommandSucceeded", stage: "commands", command_id: id, type: command.type, stats }, `${command.type} succeeded`);
    return "ack";
  } catch (error) {
    const reason: unknown = handle.signal.aborted ? handle.signal.reason : undefined;
    if (reason instanceof LostOwnershipError) {
      handle.stopHeartbeat();
      metrics.runs.inc({ type: command.type, outcome: "lost" });
      logger.warn({ event: "CommandLost", stage: "commands", code: "taken_over", command_id: id, err: reason }, "another worker took this run over; stopped without writing");
      // The delivery may be the one the new owner holds: let it come back and be watched.
      return "nack";
    }
    if (reason instanceof RunReleasedError) {
      await handle.release();
      metrics.runs.inc({ type: command.type, outcome: "released" });
      logger.info({ event: "CommandReleased", stage: "commands", command_id: id }, "worker stopping: run released for another worker");
      return "nack";
    }
    const failure = describeFailure(error);
    await handle.fail(failure, error instanceof CommandError ? error.stats : undefined);
    metrics.runs.inc({ type: command.type, outcome: "failed" });
    metrics.duration.observe({ type: command.type }, (performance.now() - started) / 1000);
    // ERROR: an operator asked for this and must look at why it failed.
    logger.error({ event: "CommandFailed", stage: "commands", code: failure.code, retryable: false, command_id: id, type: command.type, message: failure.message }, `${command.type} failed`);
    return "ack";
  } finally {
    handle.stopHeartbeat();
    stopping.removeEventListener("abort", onStop);
  }
}

function handleOptions(options: ExecutorOptions) {
  return { heartbeatMs: options.heartbeatMs, staleAfterMs: options.staleAfterMs, logger: options.logger };
}

type Decoded = { ok: true; message: CommandMessage } | { ok: false; issues: string[]; commandId: string | undefined };

function decode(delivery: CommandDelivery): Decoded {
  let raw: unknown;
  try {
    raw = JSON.parse(delivery.data.toString("utf8"));
  } catch (error) {
    return { ok: false, issues: [`body is not JSON: ${(error as Error).message}`], commandId: undefined };
  }
  const parsed = parseCommandMessage(raw);
  if (parsed.success) return { ok: true, message: parsed.data };
  const id = (raw as { command_id?: unknown } | null)?.command_id;
  if (id === undefined) {
    // A bare request, e.g. Cloud Scheduler's weekly refresh: it sends the same bytes every week, so
    // the run's identity is the Pub/Sub message (redeliveries of one publish share its id).
    const request = parseCommandRequest(raw);
    if (request.success) {
      const message = newCommand(request.data, delivery.attributes.requested_by ?? "pubsub", `pubsub-${delivery.messageId}`);
      return { ok: true, message: { ...message, requested_at: delivery.publishTime.toISOString() } };
    }
  }
  return { ok: false, issues: describeIssues(parsed.error), commandId: typeof id === "string" && /^[A-Za-z0-9_.:-]{1,128}$/.test(id) ? id : undefined };
}

/** A command that names an id but is invalid gets a failed record, so `status <id>` explains why. */
async function recordRejected(options: ExecutorOptions, commandId: string, issues: string[]): Promise<void> {
  const now = new Date().toISOString();
  await options.store.create(commandId, {
    kind: RUN_KIND,
    command_id: commandId,
    status: "failed",
    requested_at: now,
    finished_at: now,
    worker_id: options.workerId,
    attempt: 1,
    error: { code: "invalid_command", message: issues.join("; ") },
  });
}
