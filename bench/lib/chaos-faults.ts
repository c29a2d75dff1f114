/**
 * The chaos bench's faults: when each starts (seconds after the first webhook is sent, at scale 1;
 * `scale` compresses the whole schedule, e.g. 0.25 for CI) and what it does. They overlap on
 * purpose. Every fault's start and end land in the timeline; a kill ends when the restarted process
 * is ready again, the outage when Elasticsearch is healthy again.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { elasticsearchIsHealthy } from "@periskope-pipeline/local-stack";
import type { AppRole } from "./chaos-processes.ts";

export type ChaosFault =
  | { readonly kind: "sigkill"; readonly role: string; readonly atS: number }
  | { readonly kind: "elasticsearch-down"; readonly atS: number; readonly forS: number }
  | { readonly kind: "periskope-errors"; readonly atS: number; readonly forS: number }
  | { readonly kind: "periskope-latency-spikes"; readonly atS: number; readonly forS: number; readonly spikeS: number; readonly latencyMs: number };

/** Three worker kills, one ingress kill, Elasticsearch down for 60 s, Periskope failing for two minutes then slow. */
export function chaosSchedule(scale: number): { faults: ChaosFault[]; restartDelayS: number } {
  const s = (seconds: number) => Math.round(seconds * scale * 10) / 10;
  return {
    restartDelayS: Math.max(1, s(5)),
    faults: [
      { kind: "sigkill", role: "worker-1", atS: s(20) },
      { kind: "periskope-errors", atS: s(30), forS: s(120) },
      { kind: "elasticsearch-down", atS: s(45), forS: s(60) },
      { kind: "sigkill", role: "worker-2", atS: s(70) },
      { kind: "sigkill", role: "ingress", atS: s(90) },
      { kind: "sigkill", role: "worker-1", atS: s(130) },
      { kind: "periskope-latency-spikes", atS: s(150) + 0.5, forS: s(60), spikeS: Math.max(2, s(10)), latencyMs: 2_000 },
    ],
  };
}

/** The end of the last fault as planned (the real end is later by the restarts). */
export function plannedEndS(faults: readonly ChaosFault[]): number {
  return Math.max(...faults.map((f) => f.atS + ("forS" in f ? f.forS : 0)));
}

export interface TimelineEntry {
  readonly fault: string;
  readonly planned_s: number;
  started_s?: number;
  /** When it was over: the process ready again, Elasticsearch healthy, the API healthy. */
  ended_s?: number;
  note?: string;
}

export interface FaultTargets {
  readonly roles: ReadonlyMap<string, AppRole>;
  readonly elasticsearch: { readonly url: string; stop(): Promise<void>; start(): Promise<void> };
  /** Replaces the Periskope simulator's fault settings (see testkit's `faultsSchema`). */
  readonly setApiFaults: (faults: Record<string, unknown>) => void;
  readonly restartDelayS: number;
  /** Seconds since the schedule's origin. */
  readonly clock: () => number;
  readonly log: (line: string) => void;
}

/** Runs the schedule from now (its origin is `clock() = 0`); resolves when every fault has ended. */
export async function runFaults(faults: readonly ChaosFault[], targets: FaultTargets): Promise<TimelineEntry[]> {
  const timeline: TimelineEntry[] = [];
  const running = faults.map(async (fault) => {
    const entry: TimelineEntry = { fault: fault.kind === "sigkill" ? `sigkill ${fault.role}` : fault.kind, planned_s: fault.atS };
    timeline.push(entry);
    await sleep(Math.max(0, (fault.atS - targets.clock()) * 1000));
    entry.started_s = targets.clock();
    targets.log(`fault: ${entry.fault} (planned at ${fault.atS} s)`);
    try {
      await apply(fault, targets, entry);
    } catch (error) {
      entry.note = `failed: ${(error as Error).message.slice(0, 500)}`;
      targets.log(`fault ${entry.fault}: ${entry.note}`);
    }
    entry.ended_s = targets.clock();
    targets.log(`fault over: ${entry.fault} (${entry.ended_s.toFixed(1)} s)`);
  });
  await Promise.all(running);
  return timeline.sort((a, b) => a.planned_s - b.planned_s);
}

async function apply(fault: ChaosFault, t: FaultTargets, entry: TimelineEntry): Promise<void> {
  const until = async (s: number) => sleep(Math.max(0, (s - t.clock()) * 1000));
  switch (fault.kind) {
    case "sigkill": {
      const role = t.roles.get(fault.role);
      if (!role) throw new Error(`no process ${fault.role}`);
      await role.kill();
      await sleep(t.restartDelayS * 1000);
      entry.note = `restarted at ${t.clock().toFixed(1)} s`;
      await role.start();
      return;
    }
    case "elasticsearch-down": {
      await t.elasticsearch.stop();
      entry.note = `stopped ${t.clock().toFixed(1)} s`;
      await until(fault.atS + fault.forS);
      entry.note += `, started ${t.clock().toFixed(1)} s on the same data`;
      await t.elasticsearch.start().catch(async (error: Error) => {
        // Its start bound passed (a loaded machine, a slow recovery): the outage lasts until it answers.
        t.log(`Elasticsearch not healthy within its start bound, still waiting: ${error.message.split("\n")[0]}`);
        entry.note += `, slow to recover (${t.clock().toFixed(1)} s: start bound passed)`;
        const deadline = Date.now() + 600_000;
        while (!(await elasticsearchIsHealthy(t.elasticsearch.url, 10_000))) {
          if (Date.now() > deadline) throw error;
          await sleep(1_000);
        }
      });
      return;
    }
    case "periskope-errors": {
      // 30 % of API requests fail: half 503, half 429 with Retry-After.
      t.setApiFaults({ errorRate: 0.15, errorStatus: 503, rateLimitRate: 0.15, rateLimitSeconds: 2 });
      entry.note = "15 % 503 + 15 % 429 (Retry-After 2 s)";
      await until(fault.atS + fault.forS);
      t.setApiFaults({});
      return;
    }
    case "periskope-latency-spikes": {
      entry.note = `${fault.latencyMs} ms on every request for ${fault.spikeS} s, then ${fault.spikeS} s normal`;
      const end = fault.atS + fault.forS;
      for (let spike = true; t.clock() < end; spike = !spike) {
        t.setApiFaults(spike ? { latencyMs: fault.latencyMs } : {});
        await sleep(Math.max(0, Math.min(fault.spikeS, end - t.clock()) * 1000));
      }
      t.setApiFaults({});
      return;
    }
  }
}
