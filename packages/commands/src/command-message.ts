/**
 * A command on the commands topic: the JSON of the `CommandMessage` contract as data, `command_type`
 * as an attribute (for subscription filters and for reading a backlog without decoding it).
 * Everything that publishes commands (the ingress, the ops CLI, the worker's warm-up) encodes here.
 *
 * @example
 * await topic.publishMessage(encodeCommand(newCommand({ type: "warm-up", args: {} }, "ops-cli")));
 */
import type { CommandMessage } from "./command.ts";

export const COMMAND_TYPE_ATTRIBUTE = "command_type";

export interface EncodedCommand {
  readonly data: Buffer;
  readonly attributes: Readonly<Record<string, string>>;
}

export function encodeCommand(command: CommandMessage): EncodedCommand {
  return { data: Buffer.from(JSON.stringify(command), "utf8"), attributes: { [COMMAND_TYPE_ATTRIBUTE]: command.type } };
}
