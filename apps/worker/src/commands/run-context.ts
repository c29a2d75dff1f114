/**
 * What a command sees while it runs: its id, an abort signal (worker stopping, or the run taken
 * over), the checkpoint an earlier attempt left, and `save` to record progress and a checkpoint.
 * A command returns its stats, or `JoinedRun` when an equal run was already going; it throws
 * `CommandError` (with partial stats) when it fails.
 */
import type { Logger } from "@periskope-pipeline/observability";
import type { Checkpoint, Progress } from "./run-record.ts";

export interface RunContext {
  readonly commandId: string;
  readonly signal: AbortSignal;
  /** Left by an earlier attempt of this run (a takeover or a release); resume from it. */
  readonly checkpoint: Checkpoint | undefined;
  readonly logger: Logger;
  /** Records progress (and where to resume) on the run record; resolves once written. */
  save(progress: Progress, checkpoint?: Checkpoint): Promise<void>;
}

/** The command ran nothing itself: it joined the run `commandId` (recorded as status `joined`). */
export class JoinedRun {
  readonly commandId: string;

  constructor(commandId: string) {
    this.commandId = commandId;
  }
}
