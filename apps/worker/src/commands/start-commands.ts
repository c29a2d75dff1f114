/**
 * Starts the command runner: pulls commands from the commands subscription and runs them (see
 * `execute-command.ts`), and with `CACHE_ON_STARTUP` schedules the warm-up. Returns at once; only
 * `cacheFilled` may hold message processing back, on a fresh deployment (see `warm-up.ts`).
 */
import type { ElasticsearchClient } from "@periskope-pipeline/elasticsearch";
import { createCommandMetrics } from "./command-metrics.ts";
import { subscribeToCommands } from "./command-subscriber.ts";
import type { CommandDeps } from "./deps.ts";
import { executeDelivery } from "./execute-command.ts";
import { createHandlers } from "./handlers.ts";
import { publishCommand } from "./publish-command.ts";
import { CommandsIndex } from "./run-store.ts";
import { scheduleWarmUp, waitForWarmUp } from "./warm-up.ts";

export interface CommandRunner {
  /**
   * Resolves once pulling messages may start: at once, unless `CACHE_ON_STARTUP` found the cache
   * index empty; then when the warm-up has ended, or after `WARM_UP_WAIT_SECONDS`.
   */
  readonly cacheFilled: Promise<void>;
  /**
   * Stops pulling, releases running commands for another worker (waiting at most `timeoutMs`, by
   * default 10 s), closes what it opened.
   */
  stop(timeoutMs?: number): Promise<void>;
}

const STOP_TIMEOUT_MS = 10_000;

export async function startCommands(deps: CommandDeps): Promise<CommandRunner> {
  const logger = deps.logger.child({ component: "commands" });
  const store = new CommandsIndex(deps.es, deps.indices.commands);
  const executor = {
    store,
    handlers: createHandlers(deps, store),
    workerId: deps.workerId,
    heartbeatMs: deps.settings.heartbeatMs,
    staleAfterMs: deps.settings.staleAfterMs,
    logger,
    metrics: createCommandMetrics(deps.metrics),
  };
  const subscriber = subscribeToCommands({
    pubsub: deps.pubsub,
    subscription: deps.topology.commandsSubscription,
    concurrency: deps.settings.concurrency,
    logger,
    handle: (delivery, stopping) => executeDelivery(executor, delivery, stopping),
  });
  const stopping = new AbortController();
  const cold = deps.settings.cacheOnStartup && deps.settings.warmUpWaitMs > 0 && (await cacheIsEmpty(deps.es, deps.indices.chatNames));
  const warmUp = deps.settings.cacheOnStartup
    ? scheduleWarmUp({
        store,
        publish: (command) => publishCommand(deps.pubsub, deps.topology.commandsTopic, command),
        delayMs: cold ? 0 : deps.settings.warmUpDelayMs,
        intervalMs: deps.settings.warmUpIntervalMs,
        leaseTtlMs: deps.settings.staleAfterMs,
        workerId: deps.workerId,
        logger,
      })
    : undefined;
  const cacheFilled = cold && warmUp ? waitForColdStart(warmUp.started) : Promise.resolve();
  logger.info({ event: "CommandsStarted", stage: "commands", worker_id: deps.workerId, warm_up: deps.settings.cacheOnStartup, cold_cache: cold }, "command runner started");

  async function waitForColdStart(started: Promise<string | null>): Promise<void> {
    const deadline = Date.now() + deps.settings.warmUpWaitMs;
    logger.info({ event: "WarmUpAwaited", stage: "commands", wait_ms: deps.settings.warmUpWaitMs }, "the chat-name cache is empty: filling it before pulling messages");
    const commandId = await started;
    const run = commandId ? await waitForWarmUp(store, commandId, deadline, stopping.signal) : null;
    const done = run !== null && run.status !== "running" && run.status !== "accepted";
    logger.info(
      { event: done ? "WarmUpAwaitEnded" : "WarmUpAwaitTimedOut", stage: "commands", command_id: commandId, status: run?.status },
      done ? "warm-up over; pulling messages" : "warm-up still running after WARM_UP_WAIT_SECONDS; pulling messages beside it",
    );
  }

  return {
    cacheFilled,
    async stop(timeoutMs = STOP_TIMEOUT_MS) {
      stopping.abort();
      warmUp?.cancel();
      await subscriber.close(timeoutMs);
      logger.info({ event: "CommandsStopped", stage: "commands" }, "command runner stopped");
    },
  };
}

/** True when the cache index holds no name (or does not exist yet); false when that is unknown. */
async function cacheIsEmpty(es: ElasticsearchClient, index: string): Promise<boolean> {
  try {
    const response = await es.count({ index }, { ignore: [404] });
    return (response.count ?? 0) === 0;
  } catch {
    return false;
  }
}
