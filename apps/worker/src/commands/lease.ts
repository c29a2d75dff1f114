/**
 * Named leases in the commands index (`_id` = `lease:<name>`): "at most one of us does this per
 * interval", across every replica, with nothing but Elasticsearch.
 *
 * Acquiring creates the document with `op_type=create`, so of N replicas trying at once exactly
 * one succeeds. An expired lease is taken over with `if_seq_no`/`if_primary_term` on the version
 * just read, so of N replicas finding it expired, again exactly one succeeds.
 */
import type { DocVersion } from "./run-record.ts";
import type { CommandsIndex } from "./run-store.ts";

export interface LeaseDoc {
  kind: "lease";
  name: string;
  holder: string;
  acquired_at: string;
  expires_at: string;
}

export type LeaseResult =
  | { acquired: true; version: DocVersion; lease: LeaseDoc }
  | { acquired: false; lease: LeaseDoc };

export function leaseId(name: string): string {
  return `lease:${name}`;
}

/** Takes the lease for `ttlMs` unless someone else holds an unexpired one. Idempotent per holder. */
export async function acquireLease(store: CommandsIndex, name: string, holder: string, ttlMs: number): Promise<LeaseResult> {
  const id = leaseId(name);
  for (;;) {
    const now = Date.now();
    const lease: LeaseDoc = { kind: "lease", name, holder, acquired_at: new Date(now).toISOString(), expires_at: new Date(now + ttlMs).toISOString() };
    const created = await store.create(id, lease);
    if (created.ok) return { acquired: true, version: created.version, lease };
    const existing = await store.get<LeaseDoc>(id);
    if (!existing) continue; // released between our create and our read: try again
    if (existing.doc.holder === holder) return { acquired: true, version: existing.version, lease: existing.doc };
    if (Date.parse(existing.doc.expires_at) > now) return { acquired: false, lease: existing.doc };
    const taken = await store.replace(id, lease, existing.version);
    if (taken.ok) return { acquired: true, version: taken.version, lease };
    // Another replica took the expired lease first; read again to report who holds it.
  }
}

/** Gives the lease back early (its holder could not use it); false if it changed meanwhile. */
export function releaseLease(store: CommandsIndex, name: string, version: DocVersion): Promise<boolean> {
  return store.remove(leaseId(name), version);
}
