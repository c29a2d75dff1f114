/**
 * One refresh of the chat-name cache at a time across replicas (design §5): a manual
 * `refresh-cache`, the weekly one and a warm-up would otherwise page the same API and write the
 * same names at once. The running refresh holds the `refresh-cache` lease (see `lease.ts`),
 * renewed while it runs; a refresh requested meanwhile joins it: its run is recorded as `joined`
 * with the running one's command id, whose stats answer both requests. A refresh that loses the
 * lease stops (its signal aborts with `LeaseLostError`).
 */
import { randomUUID } from "node:crypto";
import { CommandError } from "./command-error.ts";
import { HeldLease, LeaseLostError, acquireLease, type HeldLeaseOptions } from "./lease.ts";
import { JoinedRun, type RunContext } from "./run-context.ts";
import type { Stats } from "./run-record.ts";
import type { CommandsIndex } from "./run-store.ts";

export const REFRESH_LEASE = "refresh-cache";

export interface ExclusiveRefreshOptions extends HeldLeaseOptions {
  readonly store: CommandsIndex;
}

export async function runExclusively(options: ExclusiveRefreshOptions, ctx: RunContext, refresh: (ctx: RunContext) => Promise<Stats>): Promise<Stats | JoinedRun> {
  // Unique per attempt: a takeover of this run takes the lease over from its earlier attempt.
  const owner = { holder: `${ctx.commandId}/${randomUUID()}`, commandId: ctx.commandId };
  const acquired = await acquireLease(options.store, REFRESH_LEASE, owner, options.ttlMs);
  if (!acquired.acquired) return new JoinedRun(acquired.lease.command_id);
  const lease = new HeldLease(options.store, REFRESH_LEASE, acquired, options);
  try {
    return await refresh({ ...ctx, signal: AbortSignal.any([ctx.signal, lease.signal]) });
  } catch (error) {
    // However the refresh surfaced the abort (an aborted API call, say), the lost lease is why it stopped.
    if (lease.signal.aborted && !ctx.signal.aborted) {
      const lost = lease.signal.reason as LeaseLostError;
      throw new LeaseLostError(`${lost.message}; this refresh stopped`, { cause: error, ...(error instanceof CommandError && error.stats ? { stats: error.stats } : {}) });
    }
    throw error;
  } finally {
    await lease.release();
  }
}
