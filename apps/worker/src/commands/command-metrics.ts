/**
 * Command metrics on the worker's registry: runs by type and outcome, run duration.
 */
import { Counter, Histogram, type Registry } from "@periskope-pipeline/observability";

export interface CommandMetrics {
  runs: Counter<"type" | "outcome">;
  duration: Histogram<"type">;
}

export function createCommandMetrics(registry: Registry): CommandMetrics {
  return {
    runs: new Counter({
      name: "worker_command_runs_total",
      help: "Command runs by type and outcome (succeeded, failed, joined, released, lost, rejected)",
      labelNames: ["type", "outcome"],
      registers: [registry],
    }),
    duration: new Histogram({
      name: "worker_command_duration_seconds",
      help: "Wall time of command runs that ended (succeeded or failed) on this worker",
      labelNames: ["type"],
      buckets: [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900, 1800, 3600],
      registers: [registry],
    }),
  };
}
