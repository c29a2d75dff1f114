/**
 * The ops command contract (design §5): what `POST /commands`, `GET /refresh-cache`, the ops CLI and
 * Cloud Scheduler publish to the commands topic, and what the worker runs and records.
 *
 * @example
 * const parsed = parseCommandRequest({ type: "refresh-cache", args: { dry_run: true } });
 * if (parsed.success) publish(newCommand(parsed.data, "ops-cli"));
 */
import { randomUUID } from "node:crypto";
import { z } from "zod";

const phone = z.string().regex(/^(\d{6,20}|phone-[A-Za-z0-9]+)$/, "a phone is digits with country code, or a phone id");

const refreshCacheArgs = z.strictObject({
  /** Only chats of this type (Periskope's `chat_type` filter). */
  chat_type: z.enum(["user", "group", "business"]).optional(),
  /** Phones to page through; default: every configured `PERISKOPE_PHONES`. */
  phones: z.array(phone).min(1).max(100).optional(),
  /** Count what would change, write nothing. */
  dry_run: z.boolean().optional(),
});

const warmUpArgs = z.strictObject({});

const backfillChatNamesArgs = z.strictObject({
  /** Only messages indexed at or after this time. */
  since: z.iso.datetime({ offset: true }).optional(),
  chat_id: z.string().min(1).max(200).optional(),
});

const replayDeadLettersArgs = z.strictObject({
  limit: z.int().min(1).max(1_000_000).optional(),
  event_type: z.string().min(1).max(128).optional(),
  dry_run: z.boolean().optional(),
});

export const commandRequestSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("refresh-cache"), args: refreshCacheArgs.default({}) }),
  z.strictObject({ type: z.literal("warm-up"), args: warmUpArgs.default({}) }),
  z.strictObject({ type: z.literal("backfill-chat-names"), args: backfillChatNamesArgs.default({}) }),
  z.strictObject({ type: z.literal("replay-dead-letters"), args: replayDeadLettersArgs.default({}) }),
]);

export type CommandRequest = z.infer<typeof commandRequestSchema>;
export type CommandType = CommandRequest["type"];
export type CommandArgs<T extends CommandType> = Extract<CommandRequest, { type: T }>["args"];
export const COMMAND_TYPES = ["refresh-cache", "warm-up", "backfill-chat-names", "replay-dead-letters"] as const satisfies readonly CommandType[];

/** A command as published: the request plus identity. `command_id` makes it idempotent. */
export const commandMessageSchema = z.intersection(
  commandRequestSchema,
  z.object({
    command_id: z.string().regex(/^[A-Za-z0-9_.:-]{1,128}$/, "command_id is 1-128 of [A-Za-z0-9_.:-]"),
    requested_at: z.iso.datetime({ offset: true }),
    requested_by: z.string().max(200).optional(),
  }),
);

export type CommandMessage = z.infer<typeof commandMessageSchema>;

export function parseCommandRequest(input: unknown) {
  return commandRequestSchema.safeParse(input);
}

export function parseCommandMessage(input: unknown) {
  return commandMessageSchema.safeParse(input);
}

export function newCommand(request: CommandRequest, requestedBy?: string, commandId: string = randomUUID()): CommandMessage {
  return {
    ...request,
    command_id: commandId,
    requested_at: new Date().toISOString(),
    ...(requestedBy ? { requested_by: requestedBy } : {}),
  };
}

/** Human-readable list of what is wrong with a request (zod issues, one line each). */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.join(".") || "(body)"}: ${issue.message}`);
}
