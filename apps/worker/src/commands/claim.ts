/**
 * What a worker does with a delivered command, given the run record it found (if any). Pure, so
 * the rules that make "exactly one worker runs each command" hold are tested on their own.
 *
 * - no record → create one (`op_type=create`; losing that race means someone else has it: look again)
 * - succeeded / failed → the command already ran: acknowledge the delivery, run nothing
 * - accepted (released by a stopping worker) → take it over and resume from its checkpoint
 * - running with a stale heartbeat → its worker is presumed dead: take it over
 * - running and alive elsewhere → hold the delivery and watch until it ends or goes stale; the
 *   delivery may be the very message the owner holds (redelivered after a lease lapse), so
 *   acknowledging it now could leave a dying owner's run with nothing to resume it
 */
import { TERMINAL_STATUSES, type StoredRun } from "./run-record.ts";

export type ClaimDecision =
  | { action: "create" }
  | { action: "done"; status: StoredRun["status"] }
  | { action: "take-over"; reason: "released" | "stale" }
  | { action: "watch"; holder: string | undefined };

export function decideClaim(existing: StoredRun | null, now: number, staleAfterMs: number): ClaimDecision {
  if (existing === null) return { action: "create" };
  if (TERMINAL_STATUSES.has(existing.status)) return { action: "done", status: existing.status };
  if (existing.status === "accepted") return { action: "take-over", reason: "released" };
  const heartbeat = Date.parse(existing.heartbeat_at ?? existing.started_at ?? "");
  if (!Number.isFinite(heartbeat) || now - heartbeat > staleAfterMs) return { action: "take-over", reason: "stale" };
  return { action: "watch", holder: existing.worker_id };
}
