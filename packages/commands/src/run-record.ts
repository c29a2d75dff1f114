/**
 * The run record the worker keeps per command in the commands index (`_id` = `command_id`), as the
 * ingress and the ops CLI read it. The worker's own stored form adds runner internals (checkpoint).
 *
 * `status` moves accepted → running → succeeded | failed. A `refresh-cache` that arrives while another
 * one runs does not start a second pass: it is recorded as `joined`, naming the running command in
 * `joined_command_id`, and whoever waits for it follows that run (see wait-for-run.ts).
 */
import type { CommandType } from "./command.ts";

export const COMMAND_STATUSES = ["accepted", "running", "succeeded", "failed", "joined"] as const;
export type CommandStatus = (typeof COMMAND_STATUSES)[number];

/**
 * Statuses after which a run record never changes again. A `joined` record is one of them: its
 * outcome is the named run's (`waitForRun` follows it), and a redelivery of its command runs nothing.
 */
export const TERMINAL_STATUSES: ReadonlySet<CommandStatus> = new Set(["succeeded", "failed", "joined"]);

/** `kind` of run records: the commands index also holds coordination leases. */
export const RUN_KIND = "run";

export interface CommandRun {
  readonly kind?: typeof RUN_KIND;
  readonly command_id: string;
  readonly type: CommandType;
  readonly args: Record<string, unknown>;
  readonly status: CommandStatus;
  readonly requested_at: string;
  readonly requested_by?: string;
  readonly worker_id?: string;
  readonly started_at?: string;
  readonly finished_at?: string;
  /** Last sign of life from the worker running it; a stale one means the run can be taken over. */
  readonly heartbeat_at?: string;
  /** 1 for the first worker to run it, +1 for each takeover. */
  readonly attempt?: number;
  readonly progress?: Record<string, number | string>;
  /** Dynamically mapped and shared by every command type: a field name keeps one type across commands. */
  readonly stats?: Record<string, number | string | boolean>;
  readonly error?: { readonly code: string; readonly message: string };
  /** With status `joined`: the command whose run this one joined. */
  readonly joined_command_id?: string;
}
