/**
 * @periskope-pipeline/commands: the ops command protocol (design §5), one copy for every app.
 * The contract of a command, how it travels on the commands topic, the run record the worker keeps,
 * and how the ingress and the ops CLI read and wait for it.
 */
export {
  COMMAND_TYPES,
  commandMessageSchema,
  commandRequestSchema,
  describeIssues,
  newCommand,
  parseCommandMessage,
  parseCommandRequest,
} from "./command.ts";
export type { CommandArgs, CommandMessage, CommandRequest, CommandType } from "./command.ts";
export { COMMAND_TYPE_ATTRIBUTE, encodeCommand, type EncodedCommand } from "./command-message.ts";
export { COMMAND_STATUSES, RUN_KIND, TERMINAL_STATUSES, type CommandRun, type CommandStatus } from "./run-record.ts";
export { ElasticsearchRunReader, LazyRunReader, MemoryRunReader, type RunReader } from "./run-reader.ts";
export { waitForRun, type WaitOptions, type WaitResult } from "./wait-for-run.ts";
