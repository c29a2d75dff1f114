/**
 * The Pub/Sub message for an ops command: JSON of the `CommandMessage` contract, with
 * `command_type` as an attribute so subscribers can filter without parsing.
 */
import type { CommandMessage } from "@periskope-pipeline/contracts";
import type { OutboundMessage } from "../publishing/event-publisher.ts";

export const COMMAND_TYPE_ATTRIBUTE = "command_type";

export function commandMessage(command: CommandMessage): OutboundMessage {
  return { data: Buffer.from(JSON.stringify(command), "utf8"), attributes: { [COMMAND_TYPE_ATTRIBUTE]: command.type } };
}
