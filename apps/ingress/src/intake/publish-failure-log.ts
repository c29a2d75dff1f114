/**
 * One log line per failed Publish request (not per webhook), so an outage cannot flood the logs.
 * Retryable failures are warnings (senders retry after our 503); permanent ones are errors: the
 * topic or the permissions are wrong and an operator must act.
 */
import type { Logger } from "@periskope-pipeline/observability";
import type { PublishError } from "../publishing/event-publisher.ts";

export function logPublishFailure(log: Logger, topic: string, messages: number, error: PublishError): void {
  const fields = { event: "PublishFailed", stage: "publish", topic, code: error.code, retryable: error.retryable, count: messages, err: error.message };
  if (error.retryable) log.warn(fields, "publish failed; senders get 503");
  else log.error(fields, "publish refused; check topic and permissions");
}
