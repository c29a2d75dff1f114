/**
 * Starts the command runner: pulls commands from the commands subscription and, with
 * `CACHE_ON_STARTUP`, schedules the warm-up. Work in progress: the runner lands in the next commits.
 */
import type { CommandDeps } from "./deps.ts";

export interface CommandRunner {
  /** Stops pulling, releases running commands for another worker, closes what it opened. */
  stop(): Promise<void>;
}

export async function startCommands(deps: CommandDeps): Promise<CommandRunner> {
  deps.logger.info({ event: "CommandsStarted", stage: "commands", worker_id: deps.workerId }, "command runner started");
  return { stop: async () => {} };
}
