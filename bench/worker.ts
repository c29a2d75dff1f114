/**
 * `npm run bench -- worker [--messages 100000] [--chats 500] [--es-heap 2g] [--sample 20000]
 *   [--warm-up-docs 30000] [--warm-up-rounds 15]`
 *
 * In one run on this machine, against a private Elasticsearch node and a private Pub/Sub emulator
 * (so other processes' traffic does not share them), with the same N realistic `message.created`
 * bodies over `--chats` simulator chats:
 * 0. warm-up: both services start with the bench and JIT-compile for minutes (measured: a third of
 *    Elasticsearch's CPU during the pipeline after a 20k-document warm-up), which long-running
 *    services do not pay. A throw-away worker (own subscription, indices and empty name cache)
 *    indexes `--warm-up-docs` documents first; then Elasticsearch indexes rounds of the sample
 *    until its compiler threads settle (`--warm-up-rounds` at most). Both are recorded;
 * 1. raw Elasticsearch ceiling: the worker's own enriched documents bulk-indexed from memory,
 *    serialized and sent as the worker's sink sends them, external_gte versions, at the best
 *    batch × concurrency found on a sample;
 * 2. queue ceiling: a bare subscriber with the worker's pull settings acking on arrival;
 * 3. the real pipeline: the worker process (`apps/worker/src/main.ts`, default settings) pulling
 *    the N pre-published bodies, half of the chats already in the name cache, the others resolved
 *    through the Periskope simulator; timed from "ready" until N documents are searchable.
 * Writes bench/results/worker.json: docs/s of each, worker peak RSS, API calls, CPU seconds per 1k
 * documents of every process in each phase (and the part the JVMs spent compiling),
 * ratio_es = pipeline ÷ ES ceiling, ratio_queue = pipeline ÷ queue ceiling.
 * Targets (issue 5): ratio_queue ≥ 0.9 or ratio_es ≥ 0.8 (the lower ceiling binds), API calls =
 * uncached chats, RSS ≤ 300 MB.
 */
import { randomUUID } from "node:crypto";
import { writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { parseArgs } from "node:util";
import { loadConfig } from "@periskope-pipeline/config";
import { createElasticsearchClient, deleteIndices, installTemplates, type IndexNames } from "@periskope-pipeline/elasticsearch";
import { createPubSub, ensureTopology, SUBSCRIPTION_POLICY, type TopologyNames } from "@periskope-pipeline/pubsub";
import { startSimulator } from "@periskope-pipeline/testkit";
import { freePort, startPrivateEmulator } from "@periskope-pipeline/local-stack";
import { CacheIndex, type ChatNameResolution } from "../apps/worker/src/chat-names/index.ts";
import { configSchema } from "../apps/worker/src/config.ts";
import { WORKER_NODE_FLAGS } from "../apps/worker/src/node-flags.ts";
import { createOwnElasticsearch } from "../apps/worker/test/support/own-elasticsearch.ts";
import { publishBodies } from "../apps/worker/test/support/publish.ts";
import { workerBenchBodies, type BenchChat } from "./lib/worker-bodies.ts";
import { bulkFromMemory, enrichedOperations, findBestShape, warmUpUntilJitSettles, type BulkShape } from "./lib/worker-es-ceiling.ts";
import { metricSum, runWorkerProcess } from "./lib/worker-process-run.ts";
import { measureQueueCeiling, type QueueCeiling } from "./lib/worker-queue-ceiling.ts";
import { cpuPerThousand, cpuSeconds, jitSeconds, type CpuTarget } from "./lib/worker-cpu.ts";

const { values } = parseArgs({
  options: {
    messages: { type: "string", default: "100000" },
    chats: { type: "string", default: "500" },
    "es-heap": { type: "string", default: "2g" },
    sample: { type: "string", default: "20000" },
    /** Most rounds of `--sample` documents indexed to warm Elasticsearch's JIT up before anything is measured (1 = the old single round). */
    "warm-up-rounds": { type: "string", default: "15" },
    /** Documents a throw-away worker indexes (own subscription and indices) to warm Elasticsearch and the emulator up on the pipeline's own requests; 0 = none. */
    "warm-up-docs": { type: "string", default: "30000" },
    /** For diagnosis: run only some phases (the JSON is written only when all three ran). */
    phases: { type: "string", default: "es,queue,pipeline" },
    /** For tuning: worker settings to override, `NAME=value,NAME=value` (recorded in the JSON). */
    "worker-env": { type: "string", default: "" },
  },
});
const PHASES = new Set(values.phases.split(","));
const WORKER_OVERRIDES: Record<string, string> = Object.fromEntries(
  values["worker-env"].split(",").filter(Boolean).map((pair) => pair.split("=", 2) as [string, string]),
);
const N = Number(values.messages);
const CHATS = Number(values.chats);
const SAMPLE = Math.min(Number(values.sample), N);
const API_KEY = "bench-key";
const SEED = "bench-worker";
const OUT = new URL("./results/worker.json", import.meta.url);
const SHAPES: BulkShape[] = [
  { batch: 1_000, concurrency: 2 },
  { batch: 2_000, concurrency: 2 },
  { batch: 5_000, concurrency: 2 },
  { batch: 1_000, concurrency: 4 },
  { batch: 2_000, concurrency: 4 },
];

const log = (message: string) => process.stderr.write(`[bench worker] ${new Date().toISOString().slice(11, 19)} ${message}\n`);
const loadBefore = loadavg();
process.env.METADATA_SERVER_DETECTION = "none";

const suffix = randomUUID().slice(0, 8);
log(`starting a private Elasticsearch (heap ${values["es-heap"]}) and a private Pub/Sub emulator`);
const ownEs = createOwnElasticsearch({ httpPort: await freePort(), transportPort: await freePort(), heap: values["es-heap"] });
const [, emulator] = await Promise.all([ownEs.start(), startPrivateEmulator()]);
const es = createElasticsearchClient({ url: ownEs.url, requestTimeoutMs: 120_000 });
const projectId = `bench-worker-${suffix}`;
const pubsub = createPubSub({ projectId, emulatorHost: emulator.host });
const sim = await startSimulator({ chats: CHATS, apiKey: API_KEY, nullNameRatio: 0, seed: SEED });
/** Where CPU goes: the private Elasticsearch, the private emulator, this process (client, simulator). */
const cpuTargets = (): Record<string, CpuTarget> => ({ elasticsearch: { pgid: ownEs.pgid()! }, emulator: { pgid: emulator.pgid() }, bench: { self: true } });

try {
  const indices: IndexNames = { messages: `bench-${suffix}-messages`, chatNames: `bench-${suffix}-names`, events: `bench-${suffix}-events`, commands: `bench-${suffix}-commands` };
  const topology: TopologyNames = {
    eventsTopic: `events-${suffix}`,
    eventsSubscription: `events-worker-${suffix}`,
    commandsTopic: `commands-${suffix}`,
    commandsSubscription: `commands-worker-${suffix}`,
    deadLetterTopic: `dead-${suffix}`,
    deadLetterSubscription: `dead-replay-${suffix}`,
  };
  const ceilingSubscription = `events-ceiling-${suffix}`;
  const warmUpSubscription = `events-warm-up-${suffix}`;
  const WARM_UP_DOCS = Math.min(Number(values["warm-up-docs"]), N);
  await installTemplates(es, indices);
  // The worker's subscription as deployed (dead-letter policy, 60 s ack deadline) minus the retry
  // policy: the emulator does not enforce streaming-pull flow control, lets leases of messages it
  // queued for a paused stream lapse, and with a retry policy then holds those back for a backoff
  // that grows per lapse (the tail of a 60k drain took minutes). That wait is the emulator's, not
  // the worker's; real Pub/Sub enforces the flow control and never gets there.
  const [eventsTopic] = await pubsub.createTopic(topology.eventsTopic);
  const [deadTopic] = await pubsub.createTopic(topology.deadLetterTopic);
  await eventsTopic.createSubscription(topology.eventsSubscription, {
    ackDeadlineSeconds: SUBSCRIPTION_POLICY.ackDeadlineSeconds,
    deadLetterPolicy: { deadLetterTopic: deadTopic.name, maxDeliveryAttempts: SUBSCRIPTION_POLICY.maxDeliveryAttempts },
  });
  await ensureTopology(pubsub, topology);
  await pubsub.topic(topology.eventsTopic).createSubscription(ceilingSubscription, { ackDeadlineSeconds: 60 });
  if (WARM_UP_DOCS > 0) {
    await eventsTopic.createSubscription(warmUpSubscription, {
      ackDeadlineSeconds: SUBSCRIPTION_POLICY.ackDeadlineSeconds,
      deadLetterPolicy: { deadLetterTopic: deadTopic.name, maxDeliveryAttempts: SUBSCRIPTION_POLICY.maxDeliveryAttempts },
    });
  }

  // --- input ----------------------------------------------------------------------------------
  const chats: BenchChat[] = sim.chatIds().map((chatId) => ({ chatId, orgPhone: String(sim.getChat(chatId)!.org_phone) }));
  const cached = chats.slice(0, Math.floor(chats.length / 2));
  await new CacheIndex(es, indices.chatNames).write(cached.map((c) => ({ chatId: c.chatId, chatName: sim.getChat(c.chatId)!.chat_name!, source: "refresh" as const })));
  log(`generating ${N.toLocaleString("en-US")} bodies over ${chats.length} chats (${cached.length} cached)`);
  const bodies = workerBenchBodies(N, chats, SEED);
  const bodyBytes = bodies.reduce((sum, b) => sum + b.length, 0);
  log(`publishing them (avg ${Math.round(bodyBytes / N)} bytes) to a topic with ${WARM_UP_DOCS > 0 ? "three" : "two"} subscriptions`);
  const publishStarted = performance.now();
  for (let start = 0; start < N; start += 10_000) await publishBodies(pubsub, topology.eventsTopic, bodies.slice(start, start + 10_000));
  log(`published in ${Math.round(performance.now() - publishStarted)} ms`);

  // --- 0. warm-up of the services --------------------------------------------------------------------
  // Elasticsearch and the emulator are long-running services in production; here they start with
  // the bench and JIT-compile for minutes. A throw-away worker (own subscription, own indices, own
  // empty name cache, so nothing it learns helps the measured run) drives the pipeline's requests
  // through both until WARM_UP_DOCS are indexed; then its subscription and indices are deleted.
  const warmUp = WARM_UP_DOCS > 0 ? await warmUpServices() : undefined;

  // --- 1. raw Elasticsearch ceiling ---------------------------------------------------------------
  const defaults = loadConfig(configSchema, WORKER_OVERRIDES);
  const esCeiling = PHASES.has("es") ? await measureEsCeiling() : undefined;

  // --- 2. queue ceiling ----------------------------------------------------------------------------
  let queueCeiling: QueueCeiling | undefined;
  let queueCpu: Record<string, number> = {};
  let queueJit: Record<string, number> = {};
  if (PHASES.has("queue")) {
    const pullSettings = {
      maxStreams: defaults.PUBSUB_MAX_STREAMS,
      maxOutstandingMessages: defaults.PUBSUB_MAX_OUTSTANDING_MESSAGES,
      maxOutstandingBytes: defaults.PUBSUB_MAX_OUTSTANDING_BYTES,
      minAckDeadlineSeconds: defaults.PUBSUB_MIN_ACK_DEADLINE_SECONDS,
      maxAckDeadlineSeconds: defaults.PUBSUB_MAX_ACK_DEADLINE_SECONDS,
      maxExtensionSeconds: defaults.PUBSUB_MAX_EXTENSION_SECONDS,
      closeTimeoutMs: 10_000,
    };
    const cpuBefore = cpuSeconds(cpuTargets());
    const jitBefore = jitSeconds(cpuTargets());
    queueCeiling = { ...(await measureQueueCeiling(pubsub, { subscription: ceilingSubscription, ...pullSettings }, N, 600_000)) };
    queueCpu = cpuPerThousand(cpuBefore, cpuSeconds(cpuTargets()), N);
    queueJit = cpuPerThousand(jitBefore, jitSeconds(cpuTargets()), N);
    log(`queue ceiling: ${queueCeiling.docs_per_s}/s (${queueCeiling.deliveries} deliveries for ${queueCeiling.messages} messages), CPU s/1k ${JSON.stringify(queueCpu)}, of it JIT ${JSON.stringify(queueJit)}`);
  }

  async function measureEsCeiling() {
    const names = new Map<string, ChatNameResolution>(chats.map((c) => [c.chatId, { status: "resolved", name: sim.getChat(c.chatId)!.chat_name! }]));
    const trialIndices: string[] = [];
    const freshIndex = async (label: string) => {
      const index = `${indices.messages}-${label}`;
      await es.indices.create({ index });
      trialIndices.push(index);
      return index;
    };
    // A fresh JVM indexes slowly until its JIT has warmed up: neither the shapes tried, nor the
    // ceiling, nor the pipeline after them must pay for it (a long-running cluster does not).
    const warmUp = await warmUpUntilJitSettles(
      es,
      (index) => enrichedOperations(bodies.slice(0, SAMPLE), names, index),
      async (round) => (await es.indices.create({ index: `${indices.messages}-warm-up-${round}` })).index,
      () => jitSeconds(cpuTargets()).elasticsearch ?? 0,
      { settledPer1k: 0.01, maxRounds: Number(values["warm-up-rounds"]), shape: { batch: 1_000, concurrency: 4 } },
    );
    log(`ES warm-up: ${warmUp.rounds} rounds of ${SAMPLE} docs, JIT CPU s/1k per round ${JSON.stringify(warmUp.jit_cpu_s_per_1k_docs)}`);
    const trials = await findBestShape(es, (index) => enrichedOperations(bodies.slice(0, SAMPLE), names, index), SHAPES, freshIndex);
    const best = trials[0]!;
    log(`ES trials (${SAMPLE} docs): ${trials.map((t) => `${t.batch}x${t.concurrency}=${t.docs_per_s}/s`).join(", ")}`);
    const ceilingIndex = await freshIndex("ceiling");
    const allLines = enrichedOperations(bodies, names, ceilingIndex);
    const cpuBefore = cpuSeconds(cpuTargets());
    const jitBefore = jitSeconds(cpuTargets());
    const esWall = await bulkFromMemory(es, allLines, best);
    const cpu = cpuPerThousand(cpuBefore, cpuSeconds(cpuTargets()), N);
    const jit = cpuPerThousand(jitBefore, jitSeconds(cpuTargets()), N);
    allLines.length = 0;
    // Free the disk and heap they hold before the pipeline runs (by name: no wildcard deletes).
    for (const index of trialIndices) await es.indices.delete({ index });
    const result = {
      method: "worker's enriched documents, serialized as the worker's sink sends them (same response filter), external_gte, bulk from memory, after a warm-up until Elasticsearch's JIT settled",
      warm_up: warmUp,
      best_shape: { batch: best.batch, concurrency: best.concurrency },
      trials,
      docs: N,
      wall_ms: Math.round(esWall),
      docs_per_s: Math.round(N / (esWall / 1000)),
      cpu_s_per_1k_docs: cpu,
      jit_cpu_s_per_1k_docs: jit,
    };
    log(`ES ceiling: ${result.docs_per_s}/s with ${best.batch} x ${best.concurrency}, CPU s/1k ${JSON.stringify(cpu)}, of it JIT ${JSON.stringify(jit)}`);
    return result;
  }

  // --- 3. the real pipeline ---------------------------------------------------------------------
  const pipeline = PHASES.has("pipeline") ? await measurePipeline() : undefined;

  /** The worker's environment as the bench runs it, for the given indices and events subscription. */
  function workerEnv(names: IndexNames, eventsSubscription: string, metricsPort: number): Record<string, string> {
    return {
      ELASTICSEARCH_URL: ownEs.url,
      PUBSUB_EMULATOR_HOST: emulator.host,
      PUBSUB_PROJECT_ID: projectId,
      METADATA_SERVER_DETECTION: "none",
      ELASTICSEARCH_INDEX: names.messages,
      ELASTICSEARCH_CACHE_INDEX: names.chatNames,
      ELASTICSEARCH_EVENTS_INDEX: names.events,
      ELASTICSEARCH_COMMANDS_INDEX: names.commands,
      PUBSUB_EVENTS_TOPIC: topology.eventsTopic,
      PUBSUB_EVENTS_SUBSCRIPTION: eventsSubscription,
      PUBSUB_COMMANDS_TOPIC: topology.commandsTopic,
      PUBSUB_COMMANDS_SUBSCRIPTION: topology.commandsSubscription,
      PUBSUB_DEAD_LETTER_TOPIC: topology.deadLetterTopic,
      PUBSUB_DEAD_LETTER_SUBSCRIPTION: topology.deadLetterSubscription,
      PERISKOPE_API_URL: sim.url,
      PERISKOPE_API_KEY: API_KEY,
      PERISKOPE_PHONES: sim.phones.join(","),
      WORKER_METRICS_PORT: String(metricsPort),
      LOG_LEVEL: "warn",
      ...WORKER_OVERRIDES,
    };
  }

  async function warmUpServices() {
    const names: IndexNames = { messages: `bench-${suffix}-warm-messages`, chatNames: `bench-${suffix}-warm-names`, events: `bench-${suffix}-warm-events`, commands: `bench-${suffix}-warm-commands` };
    const metricsPort = await freePort();
    log(`warm-up: a throw-away worker indexes ${WARM_UP_DOCS.toLocaleString("en-US")} documents`);
    const run = await runWorkerProcess({
      env: workerEnv(names, warmUpSubscription, metricsPort),
      metricsPort,
      es,
      index: names.messages,
      expected: WARM_UP_DOCS,
      timeoutMs: 600_000,
      log: () => undefined,
      cpuTargets: (workerPid) => ({ ...cpuTargets(), worker: { pid: workerPid } }),
    });
    await pubsub.subscription(warmUpSubscription).delete();
    await deleteIndices(es, Object.values(names));
    const result = { method: "throw-away worker (own subscription, indices and empty name cache), stopped once its documents were searchable", docs: run.docs, docs_per_s: run.docs_per_s, jit_cpu_s_per_1k_docs: run.jit_cpu_s_per_1k_docs };
    log(`warm-up: ${run.docs_per_s}/s, JIT CPU s/1k ${JSON.stringify(run.jit_cpu_s_per_1k_docs)}`);
    return result;
  }

  async function measurePipeline() {
    const metricsPort = await freePort();
    sim.resetStats();
    const run = await runWorkerProcess({
      env: workerEnv(indices, topology.eventsSubscription, metricsPort),
      metricsPort,
      es,
      index: indices.messages,
      expected: N,
      timeoutMs: 900_000,
      log,
      cpuTargets: (workerPid) => ({ ...cpuTargets(), worker: { pid: workerPid } }),
    });
    const apiCalls = Object.values(sim.stats().getChatCalls).reduce((a, b) => a + b, 0);
    const pipeline = {
      method: "apps/worker/src/main.ts as deployed (default settings), backlog pre-published, timed from /readyz until N documents are searchable",
      docs: run.docs,
      startup_ms: run.startup_ms,
      wall_ms: run.wall_ms,
      docs_per_s: run.docs_per_s,
      // Diagnostic, not the result: the rate between 20% and 90% of the documents searchable, i.e.
      // without the worker's start (cold JIT, first name lookups) and the last refresh.
      docs_per_s_20_to_90_pct: rateBetween(run.progress, 0.2 * N, 0.9 * N),
      progress_ms_docs: run.progress,
      rss_peak_mb: run.rss_peak_mb,
      memory_peaks_mb: run.memory_peaks_mb,
      cpu_s_per_1k_docs: run.cpu_s_per_1k_docs,
      jit_cpu_s_per_1k_docs: run.jit_cpu_s_per_1k_docs,
      api_calls: apiCalls,
      uncached_chats: chats.length - cached.length,
      max_api_calls_per_chat: sim.stats().getChatMaxPerChat,
      outcomes: {
        indexed: metricSum(run.metrics, "worker_messages_total", { outcome: "indexed" }),
        superseded: metricSum(run.metrics, "worker_messages_total", { outcome: "superseded" }),
        nacked: metricSum(run.metrics, "worker_messages_total", { outcome: "nacked" }),
        dead_lettered: metricSum(run.metrics, "worker_messages_total", { outcome: "dead_lettered" }),
      },
      // Where the worker's time went: seconds summed over batches per stage, and batch shapes.
      stage_seconds: Object.fromEntries(
        ["decode", "resolve", "build", "index", "settle"].map((stage) => [stage, round(metricSum(run.metrics, "worker_stage_duration_seconds_sum", { stage }))]),
      ),
      batches: metricSum(run.metrics, "worker_batch_size_count"),
      avg_batch_size: Math.round(metricSum(run.metrics, "worker_batch_size_sum") / Math.max(1, metricSum(run.metrics, "worker_batch_size_count"))),
      avg_bulk_ms: Math.round((1000 * metricSum(run.metrics, "worker_bulk_duration_seconds_sum")) / Math.max(1, metricSum(run.metrics, "worker_bulk_duration_seconds_count"))),
      chat_name_lookups: {
        memory_hit: metricSum(run.metrics, "worker_chat_name_lookups_total", { tier: "memory", result: "hit" }),
        cache_hit: metricSum(run.metrics, "worker_chat_name_lookups_total", { tier: "cache", result: "hit" }),
        api_hit: metricSum(run.metrics, "worker_chat_name_lookups_total", { tier: "api", result: "hit" }),
      },
      node_flags: WORKER_NODE_FLAGS,
      overrides: WORKER_OVERRIDES,
      settings: {
        batch_max_messages: defaults.WORKER_BATCH_MAX_MESSAGES,
        batches_in_flight: defaults.WORKER_MAX_BATCHES_IN_FLIGHT,
        max_streams: defaults.PUBSUB_MAX_STREAMS,
        max_outstanding_messages: defaults.PUBSUB_MAX_OUTSTANDING_MESSAGES,
      },
    };
    log(`pipeline: batches ${pipeline.batches} avg ${pipeline.avg_batch_size} msgs, bulk avg ${pipeline.avg_bulk_ms} ms, stage seconds ${JSON.stringify(pipeline.stage_seconds)}`);
    log(`pipeline: CPU s/1k ${JSON.stringify(run.cpu_s_per_1k_docs)}, of it JIT ${JSON.stringify(run.jit_cpu_s_per_1k_docs)}`);
    log(`pipeline: ${pipeline.docs_per_s}/s (20-90%: ${pipeline.docs_per_s_20_to_90_pct}/s), RSS peak ${pipeline.rss_peak_mb} MB (${JSON.stringify(run.memory_peaks_mb)}), ${apiCalls} API calls`);
    return pipeline;
  }

  if (esCeiling && queueCeiling && pipeline) writeResult(esCeiling, queueCeiling, pipeline);

  function writeResult(esCeiling: NonNullable<Awaited<ReturnType<typeof measureEsCeiling>>>, queueCeiling: QueueCeiling, pipeline: NonNullable<Awaited<ReturnType<typeof measurePipeline>>>) {
    const apiCalls = pipeline.api_calls;
    const ratioEs = round(pipeline.docs_per_s / esCeiling.docs_per_s);
    const ratioQueue = round(pipeline.docs_per_s / queueCeiling.docs_per_s);
    const binding = queueCeiling.docs_per_s <= esCeiling.docs_per_s ? "queue" : "es";
    const result = {
      bench: "worker",
      measured_at: new Date().toISOString(),
      machine: { cpus: cpus().length, memory_gib: Math.round(totalmem() / 2 ** 30), node: process.version, loadavg_before: loadBefore.map(round), loadavg_after: loadavg().map(round) },
      setup: {
        messages: N,
        avg_body_bytes: Math.round(bodyBytes / N),
        chats: chats.length,
        cached_chats: cached.length,
        elasticsearch: `private node, heap ${values["es-heap"]}`,
        pubsub: "private emulator; worker subscription as deployed but without its retry policy (see bench/worker.ts)",
        simulator: "in-process, no faults",
      },
      warm_up: warmUp,
      es_ceiling: esCeiling,
      queue_ceiling: { method: "worker's source (same pull settings), ack on arrival", ...queueCeiling, cpu_s_per_1k_docs: queueCpu, jit_cpu_s_per_1k_docs: queueJit },
      pipeline,
      ratio_es: ratioEs,
      ratio_queue: ratioQueue,
      binding_ceiling: binding,
      // Both ceilings have the machine to themselves; the pipeline runs Elasticsearch, the emulator
      // and the worker on the same cores. From the measured CPU cost per document: what the cores
      // allow a pipeline doing both jobs at the ceilings' own efficiency (no worker code at all),
      // and what they allow at the pipeline's measured efficiency.
      cpu_bound: {
        cores: cpus().length,
        ceilings_combined_docs_per_s: Math.round((cpus().length * 1000) / sumCpu(esCeiling.cpu_s_per_1k_docs, queueCpu)),
        pipeline_docs_per_s: Math.round((cpus().length * 1000) / sumCpu(pipeline.cpu_s_per_1k_docs)),
      },
      targets: {
        ratio: binding === "queue" ? "ratio_queue >= 0.9" : "ratio_es >= 0.8",
        ratio_met: binding === "queue" ? ratioQueue >= 0.9 : ratioEs >= 0.8,
        api_calls_met: apiCalls === chats.length - cached.length,
        rss_met: pipeline.rss_peak_mb <= 300,
      },
    };
    writeFileSync(OUT, `${JSON.stringify(result, null, 2)}\n`);
    log(`ratio_es ${ratioEs}, ratio_queue ${ratioQueue} (binding: ${binding}); wrote ${OUT.pathname}`);
  }
} finally {
  await sim.close();
  await pubsub.close().catch(() => undefined);
  await es.close().catch(() => undefined);
  await Promise.allSettled([ownEs.destroy(), emulator.stop()]);
}

/** CPU seconds per 1k documents over every process, each ceiling counting only its own work. */
function sumCpu(...perProcess: Record<string, number>[]): number {
  return perProcess.reduce((sum, cpu) => sum + Object.values(cpu).reduce((a, b) => a + b, 0), 0);
}

/** Documents per second between the first progress points at or past `from` and `to` documents. */
function rateBetween(progress: ReadonlyArray<readonly [number, number]>, from: number, to: number): number | null {
  const a = progress.find(([, docs]) => docs >= from);
  const b = progress.find(([, docs]) => docs >= to);
  if (!a || !b || b[0] <= a[0]) return null;
  return Math.round((b[1] - a[1]) / ((b[0] - a[0]) / 1000));
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
