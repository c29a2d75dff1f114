/**
 * Publishes a command to the commands topic: JSON `CommandMessage` as data, `command_type` as an
 * attribute (for subscription filters and for reading a backlog without decoding it). Used by the
 * warm-up scheduler and the ops CLI; the ingress publishes the same shape.
 */
import type { PubSub } from "@google-cloud/pubsub";
import { encodeCommand, type CommandMessage } from "@periskope-pipeline/commands";

/** Resolves with the Pub/Sub message id once the publish is acknowledged. */
export function publishCommand(pubsub: PubSub, topic: string, command: CommandMessage): Promise<string> {
  return pubsub.topic(topic).publishMessage(encodeCommand(command));
}
