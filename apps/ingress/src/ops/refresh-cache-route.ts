/**
 * `GET /refresh-cache`, answering the original service's cron jobs as before: it publishes a
 * `refresh-cache` command and waits for the run, REFRESH_CACHE_WAIT_SECONDS by default (under Cloud
 * Run's request timeout) or `?wait=N` seconds (at most COMMAND_WAIT_MAX_SECONDS):
 * - succeeded: 200 `{status:"success", total_chats, newly_cached, already_cached, …}`, the run's
 *   other counters beside the original three;
 * - failed: 502 `{status:"error", command_id, error:{code,message}}`, so `curl -f` fails the cron;
 * - not finished in time: 202 `{status:"accepted", command_id, run_status, poll}`: the command is
 *   queued, `poll` is where its run record will be (`run_status` "unknown" while none exists).
 * `?wait=0` is the asynchronous form: 202 at once. A refresh that arrives while another runs joins
 * it; the wait then follows the running one (waitForRun). The id is also in `x-command-id`.
 */
import { waitForRun } from "@periskope-pipeline/commands";
import type { Context } from "hono";
import { ApiError } from "../http/api-error.ts";
import type { OpsContext } from "./ops-context.ts";
import { publishCommand } from "./publish-command.ts";

export function refreshCacheHandler(ops: OpsContext) {
  return async (c: Context) => {
    const waitSeconds = parseWait(c.req.query("wait"), ops.refreshWaitSeconds, ops.waitMaxSeconds);
    const command = await publishCommand(ops.commands, { type: "refresh-cache", args: {} }, "ingress:GET /refresh-cache", ops.retryAfterSeconds);
    const { command_id: commandId } = command;
    ops.metrics.commandPublished(command.type);
    ops.log.info({ event: "CommandPublished", stage: "ops", command_id: commandId, command_type: command.type, wait_seconds: waitSeconds }, "command published");
    c.header("x-command-id", commandId);
    const accepted = (runStatus?: string) => c.json({ status: "accepted", command_id: commandId, ...(runStatus ? { run_status: runStatus } : {}), poll: `/commands/${commandId}` }, 202);
    if (waitSeconds === 0) return accepted();

    const result = await waitForRun(ops.runs, commandId, {
      timeoutMs: waitSeconds * 1000,
      pollMs: ops.pollIntervalMs,
      signal: AbortSignal.any([c.req.raw.signal, ops.lifecycle.signal]),
    });
    if (!result.ended) return accepted(result.run?.status ?? "unknown");
    const { run } = result;
    if (run.status === "failed") {
      return c.json({ status: "error", command_id: commandId, error: run.error ?? { code: "unknown", message: "the run failed without an error record" } }, 502);
    }
    const { total_chats = 0, newly_cached = 0, already_cached = 0, ...other } = run.stats ?? {};
    return c.json({ status: "success", total_chats, newly_cached, already_cached, ...other }, 200);
  };
}

function parseWait(value: string | undefined, defaultSeconds: number, maxSeconds: number): number {
  if (value === undefined || value === "") return Math.min(defaultSeconds, maxSeconds);
  if (!/^\d{1,5}$/.test(value) || Number(value) > maxSeconds) {
    throw new ApiError(400, "invalid_wait", `wait must be whole seconds from 0 to ${maxSeconds}`);
  }
  return Number(value);
}
