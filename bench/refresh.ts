/**
 * `npm run bench -- refresh [--chats N] [--pipeline-runs N] [--baseline-max-seconds S]`
 *
 * Fills the chat-name cache from a simulated Periskope account of 50,000 chats on two phones,
 * twice, in one run on this machine:
 * - pipeline: the `refresh-cache` command (pages of 2,000 from `GET /chats`, one `mget` and one
 *   bulk request per page), published and run like in production; median of `--pipeline-runs`
 *   (default 5) cold runs, each into an empty cache, half before and half after the baseline;
 * - baseline: the seed's way, one `GET /chats/{id}` and one single-document index request per
 *   chat, sequentially. Measured on every chat unless the first 2,000 predict it would take longer
 *   than `--baseline-max-seconds` (default 300): then the rest is extrapolated from the measured
 *   part, and the JSON says so.
 * Writes bench/results/refresh.json with chats/s and API calls of both and their ratio (target ≥ 20).
 */
import { randomUUID } from "node:crypto";
import { writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { parseArgs } from "node:util";
import { createElasticsearchClient, deleteIndices, installTemplates, scopedIndexNames, type IndexNames } from "@periskope-pipeline/elasticsearch";
import { ensureStack } from "@periskope-pipeline/local-stack";
import { createLogger, createMetricsRegistry } from "@periskope-pipeline/observability";
import { createPeriskopeClient } from "@periskope-pipeline/periskope";
import { createPubSub, deleteTopology, ensureTopology, scopedTopologyNames, type TopologyNames } from "@periskope-pipeline/pubsub";
import { fillChatNames } from "../apps/worker/src/chat-names/index.ts";
import { DEFAULT_COMMAND_SETTINGS, startCommands } from "../apps/worker/src/commands/index.ts";
import { fillCacheOneByOne, type BaselineResult } from "./lib/refresh-baseline.ts";
import { timedRefresh, type PipelineRun } from "./lib/refresh-pipeline.ts";
import { startSimulatorProcess } from "./lib/refresh-simulator.ts";

const { values } = parseArgs({
  options: {
    chats: { type: "string", default: "50000" },
    "pipeline-runs": { type: "string", default: "5" },
    "baseline-max-seconds": { type: "string", default: "300" },
  },
});
const CHATS = Number(values.chats);
const PIPELINE_RUNS = Number(values["pipeline-runs"]);
const BASELINE_MAX_MS = Number(values["baseline-max-seconds"]) * 1000;
const BASELINE_SAMPLE = Math.min(2_000, CHATS);
const SEED = "bench-refresh";
const API_KEY = "bench-key";
const OUT = new URL("./results/refresh.json", import.meta.url);

const log = (message: string) => process.stderr.write(`[bench refresh] ${message}\n`);

const stack = await ensureStack();
process.env.METADATA_SERVER_DETECTION = "none";
const suffix = randomUUID().slice(0, 8);
const es = createElasticsearchClient({ url: stack.elasticsearchUrl, requestTimeoutMs: 120_000 });
const pubsub = createPubSub({ projectId: `bench-refresh-${suffix}`, emulatorHost: stack.pubsubEmulatorHost });
const topology: TopologyNames = scopedTopologyNames(suffix);
const indicesFor = (run: string): IndexNames => ({ ...scopedIndexNames(`bench-${suffix}`), chatNames: `bench-${suffix}-chat-names-${run}` });
const created = new Set<string>();
const sim = await startSimulatorProcess({ chats: CHATS, seed: SEED, apiKey: API_KEY });

try {
  await ensureTopology(pubsub, topology);
  log(`${CHATS.toLocaleString("en-US")} simulated chats on ${sim.phones.length} phones; ES ${stack.elasticsearchUrl}`);

  // --- pipeline: refresh-cache, cold, median of N runs ---------------------------------------
  // Half of the runs before the baseline and half after, so a change in machine load during the
  // (long) baseline weighs on both sides alike.
  const pipelineRuns: PipelineRun[] = [];
  const runPipeline = async (i: number): Promise<void> => {
    const indices = indicesFor(`p${i}`);
    await installTemplates(es, indices);
    Object.values(indices).forEach((name) => created.add(name));
    const runner = await startCommands({
      es,
      indices,
      pubsub,
      topology,
      periskope: createPeriskopeClient({ baseUrl: sim.url, apiKey: API_KEY }),
      phones: sim.phones,
      logger: createLogger({ service: "bench", level: "warn" }),
      metrics: createMetricsRegistry("bench", { defaultMetrics: false }),
      workerId: `bench-${i}`,
      settings: DEFAULT_COMMAND_SETTINGS,
      onChatNamesChanged: async (updates) => void (await fillChatNames(es, indices.messages, updates)),
    });
    try {
      const run = await timedRefresh(pubsub, topology.commandsTopic, es, indices.commands, 300_000);
      pipelineRuns.push(run);
      log(`pipeline run ${i + 1}: ${Math.round(run.wallMs)} ms, stats ${JSON.stringify(run.run.stats)}`);
    } finally {
      await runner.stop();
      // Each cold run has its own cache index; drop it once measured.
      await deleteIndices(es, [indices.chatNames]);
    }
  };
  const before = Math.ceil(PIPELINE_RUNS / 2);
  for (let i = 0; i < before; i++) await runPipeline(i);

  // --- baseline: one GET and one index per chat --------------------------------------------
  const baselineIndices = indicesFor("baseline");
  await installTemplates(es, baselineIndices);
  Object.values(baselineIndices).forEach((name) => created.add(name));
  const ids = await sim.chatIds();
  if (ids.length !== CHATS) throw new Error(`the simulator lists ${ids.length} chats, expected ${CHATS}`);
  const counters = { apiCalls: 0 };
  const client = createPeriskopeClient({ baseUrl: sim.url, apiKey: API_KEY, phone: sim.phones[0], onAttempt: () => void counters.apiCalls++ });
  const sample = await fillCacheOneByOne(es, baselineIndices.chatNames, client, ids.slice(0, BASELINE_SAMPLE), counters);
  const predictedMs = (sample.wallMs / sample.chats) * CHATS;
  let baseline: BaselineResult = sample;
  let extrapolated = false;
  if (predictedMs <= BASELINE_MAX_MS) {
    log(`baseline: first ${sample.chats} chats in ${Math.round(sample.wallMs)} ms; measuring all ${CHATS} (about ${Math.round(predictedMs / 1000)} s)`);
    const rest = await fillCacheOneByOne(es, baselineIndices.chatNames, client, ids.slice(BASELINE_SAMPLE), counters);
    baseline = { chats: sample.chats + rest.chats, wallMs: sample.wallMs + rest.wallMs, apiCalls: sample.apiCalls + rest.apiCalls, indexRequests: sample.indexRequests + rest.indexRequests };
  } else {
    extrapolated = true;
    log(`baseline: first ${sample.chats} chats in ${Math.round(sample.wallMs)} ms; all ${CHATS} would take ~${Math.round(predictedMs / 1000)} s: extrapolating`);
  }
  const baselineChatsPerS = baseline.chats / (baseline.wallMs / 1000);
  for (let i = before; i < PIPELINE_RUNS; i++) await runPipeline(i);
  const sorted = [...pipelineRuns].sort((a, b) => a.wallMs - b.wallMs);
  const median = sorted[Math.floor(sorted.length / 2)] as PipelineRun;
  const pipelineChatsPerS = CHATS / (median.wallMs / 1000);
  await es.indices.refresh({ index: baselineIndices.chatNames });
  const baselineCached = (await es.count({ index: baselineIndices.chatNames })).count;

  const stats = median.run.stats ?? {};
  const result = {
    bench: "refresh",
    measured_at: new Date().toISOString(),
    machine: { cpus: cpus().length, memory_gib: Math.round(totalmem() / 2 ** 30), node: process.version },
    setup: { chats: CHATS, phones: sim.phones.length, page_size: DEFAULT_COMMAND_SETTINGS.refreshPageSize, simulator: "separate process, no faults, no added latency", messages_index: "empty (a cold start: no chat has messages to fill)", elasticsearch: stack.elasticsearchUrl },
    pipeline: {
      method: "refresh-cache command: GET /chats pages of 2000 per phone (phones in parallel, next page read ahead), one mget + one bulk per page, published on Pub/Sub and run by the command runner",
      runs_ms: pipelineRuns.map((r) => Math.round(r.wallMs)),
      median_of: pipelineRuns.length,
      wall_ms: Math.round(median.wallMs),
      handler_ms: stats.duration_ms,
      chats_per_s: Math.round(pipelineChatsPerS),
      api_calls: stats.api_calls,
      pages: stats.pages,
      total_chats: stats.total_chats,
      newly_cached: stats.newly_cached,
    },
    baseline: {
      method: "the seed's way: per chat, GET /chats/{chat_id} then one single-document index request, sequentially",
      chats_measured: baseline.chats,
      extrapolated,
      wall_ms: Math.round(baseline.wallMs),
      wall_ms_for_all_chats: Math.round(extrapolated ? predictedMs : baseline.wallMs),
      chats_per_s: Math.round(baselineChatsPerS),
      api_calls_for_all_chats: extrapolated ? CHATS : baseline.apiCalls,
      index_requests_for_all_chats: extrapolated ? CHATS : baseline.indexRequests,
      cached_after: baselineCached,
    },
    ratio: Math.round((pipelineChatsPerS / baselineChatsPerS) * 10) / 10,
    api_call_ratio: Math.round(((extrapolated ? CHATS : baseline.apiCalls) / Number(stats.api_calls)) * 10) / 10,
    target_ratio: 20,
  };
  const meets = result.ratio >= result.target_ratio;
  writeFileSync(OUT, `${JSON.stringify({ ...result, meets_target: meets }, null, 2)}\n`);
  log(`pipeline ${result.pipeline.chats_per_s} chats/s (${result.pipeline.api_calls} API calls) vs baseline ${result.baseline.chats_per_s} chats/s (${result.baseline.api_calls_for_all_chats} API calls): ${result.ratio}× (target ${result.target_ratio}×)`);
  log(`wrote ${OUT.pathname}`);
  process.exitCode = meets ? 0 : 1;
} finally {
  await sim.stop();
  await deleteTopology(pubsub, topology).catch(() => {});
  await pubsub.close();
  if (created.size > 0) await deleteIndices(es, [...created]).catch(() => {});
  await es.close();
  await stack.stop();
}
