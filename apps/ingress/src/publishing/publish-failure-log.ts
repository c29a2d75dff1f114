/**
 * One log line per failed Publish request, not per webhook, so an outage cannot flood the logs: the
 * library fails every message of a batch with the same error object, and only a new one is logged.
 * Retryable failures are warnings (senders retry after our 503); permanent ones are errors: the
 * topic or the permissions are wrong and an operator must act.
 */
import type { Logger } from "@periskope-pipeline/observability";
import type { PublishError } from "./event-publisher.ts";

export function publishFailureLog(log: Logger, topic: string): (error: PublishError, cause: unknown) => void {
  let last: unknown;
  return (error, cause) => {
    if (cause === last) return;
    last = cause;
    const fields = { event: "PublishFailed", stage: "publish", topic, code: error.code, retryable: error.retryable, err: error.message };
    if (error.retryable) log.warn(fields, "publish failed; senders get 503");
    else log.error(fields, "publish refused; check topic and permissions");
  };
}
