/**
 * The run record as stored in the commands index (`_id` = command_id): the contract's `CommandRun`
 * plus what the runner needs to hand a run over between workers.
 *
 * `status` moves accepted → running → succeeded | failed; `joined` ends a run that found an equal
 * one going (`joined_command_id`). `accepted` is also where a stopping
 * worker leaves a run it released, so the next delivery resumes it at once instead of waiting for
 * its heartbeat to go stale. `checkpoint` is opaque to everyone but the command that wrote it; it is
 * kept in `_source` only (the template maps no such field).
 */
import { RUN_KIND, type CommandMessage, type CommandStatus, type CommandType } from "@periskope-pipeline/commands";

export { RUN_KIND, TERMINAL_STATUSES } from "@periskope-pipeline/commands";

/**
 * `stats` and `progress` are dynamically mapped objects shared by every command type, so a field
 * name keeps one type across commands (warm-up's `skipped` is a boolean: replay says `not_matching`).
 */
export type Stats = Record<string, number | string | boolean>;
export type Progress = Record<string, number | string>;
export type Checkpoint = Record<string, unknown>;

export interface StoredRun {
  kind: typeof RUN_KIND;
  command_id: string;
  type: CommandType;
  args: Record<string, unknown>;
  status: CommandStatus;
  requested_at: string;
  requested_by?: string;
  worker_id?: string;
  started_at?: string;
  finished_at?: string;
  heartbeat_at?: string;
  /** 1 for the first worker to run it, +1 for each takeover. */
  attempt: number;
  progress?: Progress;
  stats?: Stats;
  error?: { code: string; message: string };
  checkpoint?: Checkpoint;
  joined_command_id?: string;
}

/** Where a stored document is, for conditional (`if_seq_no`/`if_primary_term`) writes. */
export interface DocVersion {
  seqNo: number;
  primaryTerm: number;
}

export function newRun(command: CommandMessage, workerId: string, now: Date): StoredRun {
  const at = now.toISOString();
  return {
    kind: RUN_KIND,
    command_id: command.command_id,
    type: command.type,
    args: command.args as Record<string, unknown>,
    status: "running",
    requested_at: command.requested_at,
    ...(command.requested_by ? { requested_by: command.requested_by } : {}),
    worker_id: workerId,
    started_at: at,
    heartbeat_at: at,
    attempt: 1,
  };
}
