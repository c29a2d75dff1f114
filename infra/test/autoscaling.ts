/**
 * Where the worker's backlog target comes from (infra/README.md, "Autoscaling arithmetic").
 *
 * HPA (KEDA and CREMA alike) sizes the worker to `ceil(undelivered / target)`, so with the target
 * set to "what one replica clears in TARGET_DRAIN_SECONDS", any backlog is cleared in about that
 * time once the replicas are up (bounded by maxReplicaCount).
 */

/**
 * ASSUMPTION until bench/results/worker.json exists: messages one worker replica indexes per second
 * (1 vCPU, against a managed Elasticsearch). Replace with the benchmark's measured per-replica
 * throughput; the CI check then demands the matching target in the ScaledObject and Terraform.
 */
export const ASSUMED_REPLICA_THROUGHPUT_PER_SECOND = 1_000;

/** How long a backlog may take to clear once scaled out. */
export const TARGET_DRAIN_SECONDS = 30;

export function targetBacklogPerReplica(throughputPerSecond: number, drainSeconds = TARGET_DRAIN_SECONDS): number {
  return Math.round(throughputPerSecond * drainSeconds);
}
