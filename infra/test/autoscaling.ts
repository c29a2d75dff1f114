/**
 * Where the worker's backlog target comes from (infra/README.md, "Autoscaling arithmetic").
 *
 * HPA (KEDA and CREMA alike) sizes the worker to `ceil(undelivered / target)`, so with the target
 * set to "what one replica clears in TARGET_DRAIN_SECONDS", any backlog is cleared in about that
 * time once the replicas are up (bounded by maxReplicaCount).
 *
 * One replica's throughput is the worker benchmark's measured pipeline rate
 * (`bench/results/worker.json`: one worker process, from a pre-published backlog to searchable
 * documents), rounded down to a step so that re-running the benchmark does not move the target
 * for noise; a real change of throughput does, and CI then asks for the new target everywhere.
 */
import { readRepoJson } from "./repo.ts";

export const WORKER_BENCH_RESULTS = "bench/results/worker.json";

/** How long a backlog may take to clear once scaled out. */
export const TARGET_DRAIN_SECONDS = 30;

/** Throughput is rounded down to this step (messages per second). */
export const THROUGHPUT_STEP = 500;

interface WorkerBenchResults {
  readonly pipeline?: { readonly docs_per_s?: unknown };
}

/** Messages per second one worker replica indexes, from the benchmark's results. */
export function measuredReplicaThroughput(results: WorkerBenchResults = readRepoJson<WorkerBenchResults>(WORKER_BENCH_RESULTS)): number {
  const measured = results.pipeline?.docs_per_s;
  if (typeof measured !== "number" || !Number.isFinite(measured) || measured < THROUGHPUT_STEP) {
    throw new Error(`${WORKER_BENCH_RESULTS}: pipeline.docs_per_s must be a measured rate of at least ${THROUGHPUT_STEP}, got ${String(measured)}`);
  }
  return Math.floor(measured / THROUGHPUT_STEP) * THROUGHPUT_STEP;
}

export function targetBacklogPerReplica(throughputPerSecond: number, drainSeconds = TARGET_DRAIN_SECONDS): number {
  return Math.round(throughputPerSecond * drainSeconds);
}
