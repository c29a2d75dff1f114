/**
 * The ingress bench's fixed-rate load: autocannon at one overall request rate, the same for both
 * servers, cycling through the same signed bodies as wrk. wrk has no fixed-rate mode; at its
 * saturating load the bare server answers twice as many requests per second as the ingress, so
 * per-request costs that depend on load (batch sizes, event-loop turns per request) differ. At
 * one fixed rate both pay them at the same load.
 */
import autocannon from "autocannon";

export interface FixedRateRun {
  readonly url: string;
  readonly requests: readonly { body: string; headers: Record<string, string> }[];
  readonly rate: number;
  readonly seconds: number;
  readonly connections: number;
}

export interface FixedRateResult {
  readonly requests: number;
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly errors: number;
  readonly non2xx: number;
}

export async function runFixedRate(run: FixedRateRun): Promise<FixedRateResult> {
  let next = 0;
  const result = await autocannon({
    url: run.url,
    connections: run.connections,
    overallRate: run.rate,
    duration: run.seconds,
    timeout: 10,
    requests: [
      {
        method: "POST",
        setupRequest: (request) => {
          const { body, headers } = run.requests[next++ % run.requests.length] as FixedRateRun["requests"][number];
          return { ...request, body, headers };
        },
      },
    ],
  });
  return {
    requests: result.requests.total,
    requestsPerSecond: Math.round(result.requests.total / result.duration),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}
