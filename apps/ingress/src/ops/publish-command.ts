/**
 * Publishes a validated command request and returns the message as sent. A command that could not
 * be queued is a 503: nothing was started, the caller may retry.
 */
import { encodeCommand, newCommand, type CommandMessage, type CommandRequest } from "@periskope-pipeline/commands";
import { ApiError } from "../http/api-error.ts";
import { isPublishError, type EventPublisher } from "../publishing/event-publisher.ts";

export async function publishCommand(publisher: EventPublisher, request: CommandRequest, requestedBy: string, retryAfterSeconds: number): Promise<CommandMessage> {
  const command = newCommand(request, requestedBy);
  try {
    await publisher.publish(encodeCommand(command));
  } catch (error) {
    const code = isPublishError(error) ? error.code : "unavailable";
    throw new ApiError(503, "command_not_queued", `the command could not be published (${code}); retry later`, { "retry-after": String(retryAfterSeconds) });
  }
  return command;
}
