/**
 * Node flags the worker process should start with: `node --max-old-space-size=192
 * --max-semi-space-size=16 apps/worker/src/main.ts` (or the same in NODE_OPTIONS).
 *
 * Why: the worker's live data is small and bounded by flow control (about 100 MB: the messages it
 * holds, parsed, plus the bulk bodies in flight), but it allocates fast (every message is parsed,
 * enriched and serialized once), and V8 answers a high allocation rate by letting garbage pile up
 * in an old generation it collects lazily: measured here, 400-650 MB RSS draining a 100k backlog
 * without flags, about 260 MB with these, at the same throughput. The old-space cap sits well
 * above the bounded live set (PUBSUB_MAX_OUTSTANDING_BYTES keeps it there). The young generation
 * is where most of that garbage dies: 16 MB semi-spaces cost ~15 MB RSS over 8 MB and save ~13%
 * of the worker's CPU per message (32 MB: ~3% more, +50 MB). `main.ts` warns when they are missing (`missingNodeFlags` of @periskope-pipeline/config).
 */
export const WORKER_NODE_FLAGS = ["--max-old-space-size=192", "--max-semi-space-size=16"] as const;
