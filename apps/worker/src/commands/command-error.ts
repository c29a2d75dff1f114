/**
 * How a command run fails, classified once: the `code` and `message` recorded on the run (and
 * printed by the ops CLI), plus the stats of what the run had done when it stopped, so a failed
 * run says honestly how far it got.
 */
import { PeriskopeApiError } from "@periskope-pipeline/periskope";
import type { Stats } from "./run-record.ts";

export class CommandError extends Error {
  override readonly name = "CommandError";
  /** Low-cardinality, e.g. `no_phones`, `periskope_unavailable`, `cache_write_rejected`. */
  readonly code: string;
  /** What the run had done before failing (complete: false). */
  readonly stats: Stats | undefined;

  constructor(code: string, message: string, options: { stats?: Stats; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.stats = options.stats;
  }
}

/** The run lost its record to another worker (a takeover after a missed heartbeat): stop, write nothing. */
export class LostOwnershipError extends Error {
  override readonly name = "LostOwnershipError";
}

/** The worker is stopping: the run is released for another worker to resume. */
export class RunReleasedError extends Error {
  override readonly name = "RunReleasedError";
}

export interface Failure {
  code: string;
  message: string;
}

export function describeFailure(error: unknown): Failure {
  if (error instanceof CommandError) return { code: error.code, message: error.message };
  if (error instanceof PeriskopeApiError) {
    const status = error.status === undefined ? "" : ` (HTTP ${error.status})`;
    return { code: `periskope_${error.code.toLowerCase()}`, message: `Periskope ${error.operation} failed${status} after ${error.attempts} attempt(s): ${error.message}` };
  }
  if (isElasticsearchError(error)) return { code: "elasticsearch_error", message: `Elasticsearch: ${(error as Error).message}` };
  return { code: "internal_error", message: error instanceof Error ? error.message : String(error) };
}

/** The ES client's errors (ResponseError, ConnectionError, TimeoutError, …) share this base name set. */
function isElasticsearchError(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return typeof name === "string" && ["ResponseError", "ConnectionError", "TimeoutError", "NoLivingConnectionsError", "SerializationError", "DeserializationError", "RequestAbortedError"].includes(name);
}
