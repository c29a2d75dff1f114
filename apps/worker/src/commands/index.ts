/**
 * Ops commands run by the worker (design §5): `refresh-cache`, `warm-up`, `backfill-chat-names`,
 * `replay-dead-letters`, each recorded as a run in the commands index.
 *
 * @example
 * const commands = await startCommands({ es, indices, pubsub, topology, periskope, phones, logger,
 *   metrics, workerId, settings: commandSettingsFromConfig(config), onChatNamesChanged });
 * process.once("SIGTERM", () => commands.stop());
 */
export { startCommands } from "./start-commands.ts";
export type { CommandRunner } from "./start-commands.ts";
export type { ChatNameUpdate, CommandDeps } from "./deps.ts";
export { DEFAULT_COMMAND_SETTINGS, commandEnvSettings, commandSettingsFromConfig } from "./settings.ts";
export type { CommandSettings } from "./settings.ts";
export { publishCommand } from "./publish-command.ts";
export type { StoredRun } from "./run-record.ts";
