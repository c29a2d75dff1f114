/**
 * Named leases in the commands index (`_id` = `lease:<name>`): "one of us at a time", across every
 * replica, with nothing but Elasticsearch.
 *
 * Leases are short (`COMMAND_STALE_AFTER_MS`) and renewed by their holder's heartbeat, so a holder
 * that dies frees its lease within seconds, not at the end of some long interval. Acquiring creates
 * the document with `op_type=create`, so of N replicas trying at once exactly one succeeds; an
 * expired lease is taken over, and a lease is renewed, with `if_seq_no`/`if_primary_term` on the
 * version last seen, so again exactly one writer wins. A holder that cannot renew stops using the
 * lease before it expires (`HeldLease.signal` aborts), so two holders never overlap.
 */
import type { Logger } from "@periskope-pipeline/observability";
import { CommandError } from "./command-error.ts";
import type { DocVersion, Stats } from "./run-record.ts";
import { CommandsIndexError, type CommandsIndex } from "./run-store.ts";

export interface LeaseDoc {
  kind: "lease";
  name: string;
  /** Who renews it: unique per attempt of a run. */
  holder: string;
  /** The run the lease serves: what a request finding the lease held joins. */
  command_id: string;
  acquired_at: string;
  expires_at: string;
}

export interface LeaseOwner {
  readonly holder: string;
  readonly commandId: string;
}

export type LeaseResult = { acquired: true; version: DocVersion; lease: LeaseDoc } | { acquired: false; lease: LeaseDoc };

/** A lease answered by `acquireLease` only after this many races lost in a row is reported as contended. */
const MAX_ACQUIRE_ROUNDS = 5;

export function leaseId(name: string): string {
  return `lease:${name}`;
}

/**
 * Takes the lease for `ttlMs` unless another run holds an unexpired one. A lease of an earlier
 * attempt of the same run (taken over after its worker stopped beating) is this run's to take.
 */
export async function acquireLease(store: CommandsIndex, name: string, owner: LeaseOwner, ttlMs: number): Promise<LeaseResult> {
  const id = leaseId(name);
  for (let round = 0; round < MAX_ACQUIRE_ROUNDS; round++) {
    const now = Date.now();
    const lease = leaseDoc(name, owner, now, ttlMs);
    const created = await store.create(id, lease);
    if (created.ok) return { acquired: true, version: created.version, lease };
    const existing = await store.get<LeaseDoc>(id);
    if (!existing) continue; // released between our create and our read: try again
    if (existing.doc.holder === owner.holder) return { acquired: true, version: existing.version, lease: existing.doc };
    if (existing.doc.command_id !== owner.commandId && Date.parse(existing.doc.expires_at) > now) return { acquired: false, lease: existing.doc };
    const taken = await store.replace(id, lease, existing.version);
    if (taken.ok) return { acquired: true, version: taken.version, lease };
    // Another replica wrote first; read again to see who holds it now.
  }
  throw new CommandsIndexError(`lease ${name}: lost ${MAX_ACQUIRE_ROUNDS} races in a row`, true);
}

/** The lease as it stands, if someone holds it unexpired. */
export async function currentLease(store: CommandsIndex, name: string): Promise<LeaseDoc | null> {
  const existing = await store.get<LeaseDoc>(leaseId(name));
  return existing && Date.parse(existing.doc.expires_at) > Date.now() ? existing.doc : null;
}

/** Gives the lease back early; false if it changed meanwhile. */
export function releaseLease(store: CommandsIndex, name: string, version: DocVersion): Promise<boolean> {
  return store.remove(leaseId(name), version);
}

/** The holder lost its lease: to another run after it expired, or it could not renew it in time. */
export class LeaseLostError extends CommandError {
  constructor(message: string, options: { stats?: Stats; cause?: unknown } = {}) {
    super("lease_lost", message, options);
  }
}

export interface HeldLeaseOptions {
  readonly ttlMs: number;
  /** How often the lease is renewed; a few renewals fit in one `ttlMs`. */
  readonly renewMs: number;
  readonly logger: Logger;
}

/** A lease this process holds and renews until it releases it; `signal` aborts if it is lost. */
export class HeldLease {
  readonly signal: AbortSignal;
  private readonly controller = new AbortController();
  private readonly store: CommandsIndex;
  private readonly name: string;
  private readonly options: HeldLeaseOptions;
  private lease: LeaseDoc;
  private version: DocVersion;
  private readonly timer: NodeJS.Timeout;
  private renewing: Promise<void> = Promise.resolve();
  private inFlight = false;

  constructor(store: CommandsIndex, name: string, acquired: { lease: LeaseDoc; version: DocVersion }, options: HeldLeaseOptions) {
    this.store = store;
    this.name = name;
    this.options = options;
    this.lease = acquired.lease;
    this.version = acquired.version;
    this.signal = this.controller.signal;
    this.timer = setInterval(() => {
      // One renewal at a time: a slow one is not queued behind by more.
      if (this.inFlight) return;
      this.inFlight = true;
      this.renewing = this.renew().finally(() => (this.inFlight = false));
    }, options.renewMs);
    this.timer.unref();
  }

  /** Stops renewing and deletes the lease (unless it was lost), so the next holder need not wait. */
  async release(): Promise<void> {
    clearInterval(this.timer);
    await this.renewing;
    if (!this.signal.aborted) await releaseLease(this.store, this.name, this.version).catch(() => false);
  }

  private async renew(): Promise<void> {
    if (this.signal.aborted) return;
    const next = leaseDoc(this.name, { holder: this.lease.holder, commandId: this.lease.command_id }, Date.now(), this.options.ttlMs);
    next.acquired_at = this.lease.acquired_at;
    try {
      const written = await this.store.replace(leaseId(this.name), next, this.version);
      if (written.ok) {
        this.lease = next;
        this.version = written.version;
        return;
      }
      const current = await this.store.get<LeaseDoc>(leaseId(this.name));
      if (current?.doc.holder === this.lease.holder) {
        // Our earlier renewal landed although its answer was lost: carry on from what is stored.
        this.lease = current.doc;
        this.version = current.version;
        return;
      }
      this.lose(`the ${this.name} lease was taken over by ${current?.doc.command_id ?? "nobody (deleted)"}`);
    } catch (error) {
      // Stop before the lease can expire under us: a renewal later than that could overlap the next holder.
      if (Date.now() >= Date.parse(this.lease.expires_at) - this.options.renewMs) {
        this.lose(`the ${this.name} lease could not be renewed before it expired`);
        return;
      }
      this.options.logger.warn({ event: "LeaseRenewFailed", stage: "commands", code: "renew_failed", retryable: true, lease: this.name, err: error }, "could not renew the lease; will try again");
    }
  }

  private lose(message: string): void {
    clearInterval(this.timer);
    this.options.logger.warn({ event: "LeaseLost", stage: "commands", code: "lease_lost", retryable: false, lease: this.name, command_id: this.lease.command_id }, message);
    this.controller.abort(new LeaseLostError(message));
  }
}

function leaseDoc(name: string, owner: LeaseOwner, now: number, ttlMs: number): LeaseDoc {
  return { kind: "lease", name, holder: owner.holder, command_id: owner.commandId, acquired_at: new Date(now).toISOString(), expires_at: new Date(now + ttlMs).toISOString() };
}
