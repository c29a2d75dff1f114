/**
 * Starts the command runner: pulls commands from the commands subscription and runs them (see
 * `execute-command.ts`), and with `CACHE_ON_STARTUP` schedules the warm-up. Returns at once:
 * nothing here delays message processing.
 */
import { createCommandMetrics } from "./command-metrics.ts";
import { subscribeToCommands } from "./command-subscriber.ts";
import type { CommandDeps } from "./deps.ts";
import { executeDelivery } from "./execute-command.ts";
import { createHandlers } from "./handlers.ts";
import { publishCommand } from "./publish-command.ts";
import { CommandsIndex } from "./run-store.ts";
import { scheduleWarmUp } from "./warm-up.ts";

export interface CommandRunner {
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
  const warmUp = deps.settings.cacheOnStartup
    ? scheduleWarmUp({
        store,
        publish: (command) => publishCommand(deps.pubsub, deps.topology.commandsTopic, command),
        delayMs: deps.settings.warmUpDelayMs,
        intervalMs: deps.settings.warmUpIntervalMs,
        workerId: deps.workerId,
        logger,
      })
    : undefined;
  logger.info({ event: "CommandsStarted", stage: "commands", worker_id: deps.workerId, warm_up: deps.settings.cacheOnStartup }, "command runner started");

  return {
    async stop(timeoutMs = STOP_TIMEOUT_MS) {
      warmUp?.cancel();
      await subscriber.close(timeoutMs);
      logger.info({ event: "CommandsStopped", stage: "commands" }, "command runner stopped");
    },
  };
}
