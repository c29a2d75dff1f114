/**
 * `POST /commands` (`{type, args}` checked against the command contract, published, 202 with the
 * id) and `GET /commands/:id` (the run record the worker keeps, 404 until it exists).
 */
import { describeIssues, parseCommandRequest } from "@periskope-pipeline/commands";
import type { Context } from "hono";
import { ApiError } from "../http/api-error.ts";
import { isJsonContentType } from "../http/json-content-type.ts";
import { nodeRequest } from "../webhook/node-bindings.ts";
import { readBodyWithin } from "../webhook/read-body.ts";
import type { OpsContext } from "./ops-context.ts";
import { publishCommand } from "./publish-command.ts";

/** Commands are a type and a few arguments; anything bigger is a mistake. */
const MAX_COMMAND_BYTES = 64 * 1024;
const COMMAND_ID = /^[A-Za-z0-9_.:-]{1,128}$/;

export function postCommandHandler(ops: OpsContext) {
  return async (c: Context) => {
    if (!isJsonContentType(c.req.header("content-type"))) throw new ApiError(415, "unsupported_media_type", "content-type must be application/json");
    const declared = c.req.header("content-length");
    if (declared !== undefined && Number(declared) > MAX_COMMAND_BYTES) throw new ApiError(413, "body_too_large", `a command is at most ${MAX_COMMAND_BYTES} bytes`);
    const body = await readBodyWithin(c.req, nodeRequest(c), MAX_COMMAND_BYTES);
    if (body === "too_large") throw new ApiError(413, "body_too_large", `a command is at most ${MAX_COMMAND_BYTES} bytes`);
    if (body === "unreadable") throw new ApiError(400, "body_unreadable", "request body could not be read completely");
    let input: unknown;
    try {
      input = JSON.parse(body.toString("utf8"));
    } catch {
      throw new ApiError(400, "invalid_json", "body is not valid JSON");
    }
    const parsed = parseCommandRequest(input);
    if (!parsed.success) throw new ApiError(400, "invalid_command", describeIssues(parsed.error).join("; "));
    const command = await publishCommand(ops.commands, parsed.data, "ingress:POST /commands", ops.retryAfterSeconds);
    ops.metrics.commandPublished(command.type);
    ops.log.info({ event: "CommandPublished", stage: "ops", command_id: command.command_id, command_type: command.type }, "command published");
    return c.json({ status: "accepted", command_id: command.command_id, type: command.type }, 202);
  };
}

export function getCommandHandler(ops: OpsContext) {
  return async (c: Context) => {
    const id = c.req.param("id") ?? "";
    if (!COMMAND_ID.test(id)) throw new ApiError(400, "invalid_command_id", "a command id is 1-128 of [A-Za-z0-9_.:-]");
    let run;
    try {
      run = await ops.runs.get(id);
    } catch (error) {
      ops.log.warn({ event: "CommandRunReadFailed", stage: "ops", code: "store_unavailable", retryable: true, err: error }, "could not read run record");
      throw new ApiError(503, "store_unavailable", "command runs cannot be read right now; retry later", { "retry-after": String(ops.retryAfterSeconds) });
    }
    if (run === null) throw new ApiError(404, "command_not_found", `no run record for command ${id} (yet)`);
    return c.json(run, 200);
  };
}
