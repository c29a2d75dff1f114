/**
 * The ops CLI's command line, parsed into what to do. Command arguments are flags named after the
 * contract's args (`--chat-type` → `chat_type`), typed here and then validated by the contract
 * itself (`parseCommandRequest`), so the CLI rejects exactly what the worker would.
 *
 * @example
 * parseCliArgs(["refresh-cache", "--phones", "447700900123,919812300456", "--dry-run", "--wait"])
 * // → { kind: "publish", request: { type: "refresh-cache", args: { phones: [...], dry_run: true } }, wait: true, ... }
 */
import { parseArgs } from "node:util";
import { COMMAND_TYPES, describeIssues, parseCommandRequest, type CommandRequest, type CommandType } from "@periskope-pipeline/commands";
import { parseMigrateIndexArgs, type MigrateIndexAction } from "./migrate-index.ts";

export type CliAction =
  | { kind: "publish"; request: CommandRequest; wait: boolean; json: boolean; timeoutSeconds: number }
  | { kind: "status"; commandId: string; wait: boolean; json: boolean; timeoutSeconds: number }
  | { kind: "list"; limit: number; json: boolean }
  | MigrateIndexAction
  | { kind: "help" };

export class UsageError extends Error {
  override readonly name = "UsageError";
}

type ArgKind = "string" | "boolean" | "list" | "integer";

/** Each command's flags (kebab-case) and how to read them; the contract validates the values. */
const COMMAND_FLAGS: Record<CommandType, Record<string, ArgKind>> = {
  "refresh-cache": { "chat-type": "string", phones: "list", "dry-run": "boolean" },
  "warm-up": {},
  "backfill-chat-names": { since: "string", "chat-id": "string" },
  "replay-dead-letters": { limit: "integer", "event-type": "string", "dry-run": "boolean" },
};

const COMMON = {
  wait: { type: "boolean" },
  json: { type: "boolean" },
  timeout: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

/** Longest `--wait` by default: a refresh of a very large account takes minutes, not hours. */
export const DEFAULT_WAIT_TIMEOUT_SECONDS = 3_600;

export function parseCliArgs(argv: readonly string[]): CliAction {
  const [verb, ...rest] = argv;
  if (verb === undefined || verb === "help" || verb === "--help" || verb === "-h") return { kind: "help" };

  if (verb === "status") {
    const { values, positionals } = parse(rest, COMMON, true);
    if (values.help) return { kind: "help" };
    const [commandId, ...extra] = positionals;
    if (!commandId || extra.length > 0) throw new UsageError("usage: ops status <command_id> [--wait] [--json]");
    return { kind: "status", commandId, wait: values.wait === true, json: values.json === true, timeoutSeconds: timeout(values.timeout) };
  }

  if (verb === "list") {
    const { values } = parse(rest, { json: COMMON.json, limit: { type: "string" } }, false);
    const limit = values.limit === undefined ? 20 : integer("limit", String(values.limit));
    if (limit < 1 || limit > 1_000) throw new UsageError("--limit must be between 1 and 1000");
    return { kind: "list", limit, json: values.json === true };
  }

  if (verb === "migrate-index") {
    const { values, positionals } = parse(rest, { template: { type: "string" }, help: COMMON.help }, true);
    if (values.help) return { kind: "help" };
    return parseMigrateIndexArgs(values, positionals);
  }

  if (!(COMMAND_TYPES as readonly string[]).includes(verb)) {
    throw new UsageError(`unknown command "${verb}"; expected one of: ${[...COMMAND_TYPES, "status", "list", "migrate-index"].join(", ")}`);
  }
  const type = verb as CommandType;
  const flags = COMMAND_FLAGS[type];
  const options: Record<string, { type: "string" | "boolean" }> = { ...COMMON };
  for (const [name, kind] of Object.entries(flags)) options[name] = { type: kind === "boolean" ? "boolean" : "string" };
  const { values } = parse(rest, options, false);
  if (values.help) return { kind: "help" };

  const args: Record<string, unknown> = {};
  for (const [name, kind] of Object.entries(flags)) {
    const value = values[name];
    if (value === undefined) continue;
    const key = name.replaceAll("-", "_");
    if (kind === "boolean") args[key] = value === true;
    else if (kind === "list") args[key] = String(value).split(",").map((s) => s.trim()).filter(Boolean);
    else if (kind === "integer") args[key] = integer(name, String(value));
    else args[key] = String(value);
  }
  const parsed = parseCommandRequest({ type, args });
  if (!parsed.success) throw new UsageError(`invalid arguments for ${type}:\n  ${describeIssues(parsed.error).join("\n  ")}`);
  return { kind: "publish", request: parsed.data, wait: values.wait === true, json: values.json === true, timeoutSeconds: timeout(values.timeout) };
}

type OptionSpecs = Record<string, { type: "string" | "boolean"; short?: string }>;

function parse(argv: readonly string[], options: OptionSpecs, allowPositionals: boolean) {
  try {
    return parseArgs({ args: [...argv], options, allowPositionals, strict: true }) as { values: Record<string, string | boolean | undefined>; positionals: string[] };
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function integer(name: string, raw: string): number {
  if (!/^\d+$/.test(raw)) throw new UsageError(`--${name} must be a whole number, got "${raw}"`);
  return Number(raw);
}

function timeout(raw: string | boolean | undefined): number {
  if (raw === undefined || typeof raw === "boolean") return DEFAULT_WAIT_TIMEOUT_SECONDS;
  const seconds = integer("timeout", raw);
  if (seconds < 1) throw new UsageError("--timeout must be at least 1 second");
  return seconds;
}
