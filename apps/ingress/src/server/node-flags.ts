/**
 * Node flags the ingress process should start with: `node --max-semi-space-size=8 main.ts`.
 *
 * Why: every webhook's request objects stay alive until Pub/Sub acknowledges (milliseconds, but
 * across garbage collections), and V8 answers that survival by growing the HTTP thread's young
 * generation up to 64 MB semi-spaces on a large machine (+120 MB RSS for no throughput gain that
 * matters here). The young generation of the main thread can only be capped by a flag at start;
 * the publishing thread's is capped in code (threaded-intake.ts). `main.ts` warns when it is missing.
 */
export const INGRESS_NODE_FLAGS = ["--max-semi-space-size=8"] as const;

export function missingNodeFlags(execArgv: readonly string[] = process.execArgv, nodeOptions: string = process.env.NODE_OPTIONS ?? ""): string[] {
  const given = [...execArgv, ...nodeOptions.split(/\s+/)].map((flag) => flag.split("=")[0]);
  return INGRESS_NODE_FLAGS.filter((flag) => !given.includes(flag.split("=")[0]));
}
