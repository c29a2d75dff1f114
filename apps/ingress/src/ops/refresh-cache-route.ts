/**
 * `GET /refresh-cache`, kept for the original service's cron jobs. It publishes a `refresh-cache`
 * command and answers 202 `{status:"accepted", command_id}`. With `?wait=N` (seconds, at most
 * COMMAND_WAIT_MAX_SECONDS) it waits for the run and answers like the original service:
 * - succeeded: 200 `{status:"success", total_chats, newly_cached, already_cached}`;
 * - failed: 502 `{status:"error", command_id, error:{code,message}}` (the worker's run failed);
 * - not finished in time: 202 `{status:"accepted", command_id, run_status}`, where `run_status` is
 *   the record's status, or "unknown" without one: the command is queued, poll `GET /commands/:id`.
 * The command id is also in the `x-command-id` header of every answer.
 */
import type { Context } from "hono";
import { ApiError } from "../http/api-error.ts";
import type { OpsContext } from "./ops-context.ts";
import { publishCommand } from "./publish-command.ts";
import { waitForRun } from "./wait-for-run.ts";

export function refreshCacheHandler(ops: OpsContext) {
  return async (c: Context) => {
    const waitSeconds = parseWait(c.req.query("wait"), ops.waitMaxSeconds);
    const command = await publishCommand(ops.commands, { type: "refresh-cache", args: {} }, "ingress:GET /refresh-cache", ops.retryAfterSeconds);
    ops.metrics.commandPublished(command.type);
    ops.log.info({ event: "CommandPublished", stage: "ops", command_id: command.command_id, command_type: command.type, wait_seconds: waitSeconds }, "command published");
    c.header("x-command-id", command.command_id);
    if (waitSeconds === 0) return c.json({ status: "accepted", command_id: command.command_id }, 202);

    const signal = c.req.raw.signal;
    const result = await waitForRun(ops.runs, command.command_id, {
      waitMs: waitSeconds * 1000,
      pollIntervalMs: ops.pollIntervalMs,
      shouldStop: () => signal.aborted || ops.lifecycle.draining,
    });
    if (result.state === "pending") {
      return c.json({ status: "accepted", command_id: command.command_id, run_status: result.run?.status ?? "unknown" }, 202);
    }
    const { run } = result;
    if (run.status === "failed") {
      return c.json({ status: "error", command_id: command.command_id, error: run.error ?? { code: "unknown", message: "the run failed without an error record" } }, 502);
    }
    const stats = run.stats ?? {};
    return c.json({ status: "success", total_chats: stats.total_chats ?? 0, newly_cached: stats.newly_cached ?? 0, already_cached: stats.already_cached ?? 0 }, 200);
  };
}

function parseWait(value: string | undefined, maxSeconds: number): number {
  if (value === undefined || value === "") return 0;
  if (!/^\d{1,5}$/.test(value) || Number(value) > maxSeconds) {
    throw new ApiError(400, "invalid_wait", `wait must be whole seconds from 0 to ${maxSeconds}`);
  }
  return Number(value);
}
