/**
 * Node flags the ingress process should start with (`main.ts` warns when they are missing).
 * Why a young-generation bound: every webhook's request objects stay alive until Pub/Sub acknowledges (a few
 * milliseconds, but across garbage collections), and V8 answers that survival by growing the young
 * generation up to 64 MB semi-spaces on a large machine (+120 MB RSS for no throughput that matters
 * here). The young generation can only be capped by a flag at start.
 *
 * Why 16 and not less: with ~200 webhooks in flight their live objects fill much of an 8 MB
 * semi-space, so each scavenge copies nearly all of it. Measured under wrk at c=200 (bench
 * ingress): 8 MB → ~350 scavenges of ~6 ms in 13 s; 16 MB → ~175 of ~2.5 ms (a quarter of the
 * time), and a *lower* peak RSS (fewer survivors promoted). 32 MB gained nothing more and cost ~60 MB RSS.
 *
 * Why an old-space bound: the live heap under load is ~40 MB (+~40 MB once an ops call loads the
 * Elasticsearch client), but V8 lets garbage pile up in old space: at c=200 (bench ingress) RSS
 * peaked at 259-272 MB without a bound, 185-187 MB with 96 or 128 MB, same errors (none).
 */
export const INGRESS_NODE_FLAGS = ["--max-old-space-size=128", "--max-semi-space-size=16"] as const;
