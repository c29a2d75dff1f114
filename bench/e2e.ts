/**
 * `npm run bench -- e2e [--rate 2000] [--seconds 60] [--chats 40] [--connections 100]
 *   [--warm-up-seconds 30] [--saturation-step 1000] [--saturation-seconds 20] [--saturation-steps 5]
 *   [--es-heap 2g] [--ceiling-docs 200000] [--visibility-poll-ms 100] [--es-warm-up-rounds 12]
 *   [--hot-threads-file path] [--phases steady,saturation,single,ceilings]`
 *
 * Cost per message end to end (issue 13), in one run on this machine, against a private
 * Elasticsearch node, a private Pub/Sub emulator and the Periskope simulator, with fresh signed
 * realistic `message.created` webhooks over `--chats` chats, sent by autocannon at a fixed rate:
 * 1. warm-up: Elasticsearch bulk-indexes the worker's documents until its JIT compiler settles
 *    (the ceiling runs last, on a warm node); then the same load as the steady phase through the
 *    pipeline, not measured (Node JIT-compiles too); Elasticsearch's hot threads sampled meanwhile;
 * 2. steady: `--rate` webhooks/s for `--seconds` through the real ingress and worker processes;
 *    CPU µs per message of every process (ingress, worker, Elasticsearch, emulator, load tool) from
 *    /proc, divided by the documents the phase made searchable; peak RSS; time to searchable
 *    (ingress receive → visible to search) p50/p95/p99 over a sample. Elasticsearch's window runs
 *    until the phase's merges settled, and the time-to-searchable poll's own cost, measured by
 *    replaying its queries, is reported apart and not counted as the pipeline's (ELASTICSEARCH_PHASE_METHOD);
 * 3. saturation: rising rates, `--saturation-seconds` each, until a step's accepted webhooks are
 *    not all searchable within 5 s; the highest that passed;
 * 4. single process: the same load against one server doing per webhook what the single-service
 *    version did (bench/lib/e2e-single-process-server.ts), on its own indices;
 * 5. ceilings: Elasticsearch's bulk ceiling (the worker's documents from memory at the best shape,
 *    sustained over `--ceiling-docs` into an index with the pipeline's settings, counted until its
 *    merges settled, like a phase) and a pull-and-ack-only consumer with the worker's pull settings,
 *    each with its CPU per document.
 * Writes bench/results/e2e.json (only when every phase ran). Targets (issue 13), each a ratio within this run: worker CPU per
 * document ≤ 2.5× the pull-and-ack consumer's; ingress + worker ≤ 0.5× the single process;
 * Elasticsearch per document in the steady phase ≤ 1.3× its cost at its ceiling; time to
 * searchable p99 ≤ 2 s.
 */
import { randomUUID } from "node:crypto";
import { writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { parseArgs } from "node:util";
import { loadConfig } from "@periskope-pipeline/config";
import { createElasticsearchClient, type IndexNames } from "@periskope-pipeline/elasticsearch";
import { freePort, startPrivateEmulator } from "@periskope-pipeline/local-stack";
import { createPubSub } from "@periskope-pipeline/pubsub";
import { messageCreated, startSimulator, toRawBody } from "@periskope-pipeline/testkit";
import type { ChatNameResolution } from "../apps/worker/src/chat-names/index.ts";
import { configSchema } from "../apps/worker/src/config.ts";
import { createOwnElasticsearch } from "../apps/worker/test/support/own-elasticsearch.ts";
import { publishBodies } from "../apps/worker/test/support/publish.ts";
import { createTestStack } from "../apps/worker/test/support/test-stack.ts";
import { peakRssMb, startIngress, startLoad, startSingleProcessServer, startWorker } from "./lib/e2e-apps.ts";
import type { LoadDone } from "./lib/e2e-load.ts";
import { VisibilityTracker, type VisibilityStats } from "./lib/e2e-visibility.ts";
import { cpuSeconds, jitSeconds, type CpuTarget } from "./lib/worker-cpu.ts";
import { bulkFromMemory, enrichedOperations, findBestShape, warmUpUntilJitSettles } from "./lib/worker-es-ceiling.ts";
import { counterDelta, hotThreads, nodeCounters, settle } from "./lib/e2e-es-stats.ts";
import type { SerializedOperation } from "../apps/worker/src/stages/serialize-operation.ts";
import { metricSum } from "./lib/worker-process-run.ts";
import { measureQueueCeiling } from "./lib/worker-queue-ceiling.ts";

const { values } = parseArgs({
  options: {
    rate: { type: "string", default: "2000" },
    seconds: { type: "string", default: "60" },
    chats: { type: "string", default: "40" },
    connections: { type: "string", default: "100" },
    "warm-up-seconds": { type: "string", default: "30" },
    "saturation-step": { type: "string", default: "1000" },
    "saturation-seconds": { type: "string", default: "20" },
    "saturation-steps": { type: "string", default: "5" },
    "es-heap": { type: "string", default: "2g" },
    /** Documents in the sustained bulk run of the Elasticsearch ceiling (≥ 200k: refreshes and merges at their steady share). */
    "ceiling-docs": { type: "string", default: "200000" },
    /** Time-to-searchable poll period; 0 turns the poll off (a control run: no bench searches at all). */
    "visibility-poll-ms": { type: "string", default: "100" },
    /** Rounds of 20k bulk-indexed documents, before anything is measured, until Elasticsearch's JIT compiler settles. */
    "es-warm-up-rounds": { type: "string", default: "12" },
    /** Where to write Elasticsearch's hot threads, sampled during the (unmeasured) warm-up of the pipeline. */
    "hot-threads-file": { type: "string" },
    /** For diagnosis: run only some phases (the JSON is written only when all ran). */
    phases: { type: "string", default: "steady,saturation,single,ceilings" },
  },
});
const RATE = Number(values.rate);
const SECONDS = Number(values.seconds);
const CONNECTIONS = Number(values.connections);
const PHASES = new Set(values.phases.split(","));
const SIGNING_KEY = "bench-e2e-signing-key";
const API_KEY = "bench-key";
const SEED = "bench-e2e";
/** Accepted webhooks must all be searchable within this after the load stops (saturation). */
const SEARCHABLE_WITHIN_MS = 5_000;
const OUT = new URL("./results/e2e.json", import.meta.url);

const log = (message: string) => process.stderr.write(`[bench e2e] ${new Date().toISOString().slice(11, 19)} ${message}\n`);
const loadBefore = loadavg();
process.env.METADATA_SERVER_DETECTION = "none";

const suffix = randomUUID().slice(0, 8);
log(`starting a private Elasticsearch (heap ${values["es-heap"]}), a private Pub/Sub emulator and the Periskope simulator`);
const ownEs = createOwnElasticsearch({ httpPort: await freePort(), transportPort: await freePort(), heap: values["es-heap"] });
const [, emulator] = await Promise.all([ownEs.start(), startPrivateEmulator()]);
const es = createElasticsearchClient({ url: ownEs.url, requestTimeoutMs: 120_000 });
const projectId = `bench-e2e-${suffix}`;
const pubsub = createPubSub({ projectId, emulatorHost: emulator.host });
const sim = await startSimulator({ chats: Number(values.chats), apiKey: API_KEY, nullNameRatio: 0, seed: SEED });
const chats = sim.chatIds().map((chatId) => ({ chatId, orgPhone: String(sim.getChat(chatId)!.org_phone) }));
const services = (): Record<string, CpuTarget> => ({ elasticsearch: { pgid: ownEs.pgid()! }, emulator: { pgid: emulator.pgid() } });
/** Each phase sends its own range of message indices, so no phase overwrites another's documents. */
let nextIndex = 0;

/** Documents per bulk-from-memory sample (shape trials, JIT warm-up rounds) and per generated chunk. */
const CEILING_SAMPLE = 20_000;
const QUEUE_CEILING_MESSAGES = 60_000;
const knownNames = new Map<string, ChatNameResolution>(chats.map((c) => [c.chatId, { status: "resolved", name: sim.getChat(c.chatId)!.chat_name! }]));
/** The `i`-th webhook of the ceilings: the same kind of document the pipeline phases index. */
function ceilingBody(i: number): string {
  const chat = chats[i % chats.length]!;
  return toRawBody(messageCreated({ seed: `${SEED}-ceiling`, index: i, chatId: chat.chatId, orgPhone: chat.orgPhone }));
}
/** Bulk lines for ceiling webhooks `from`…`from + count`, as the worker's sink would send them to `index`. */
function ceilingLines(from: number, count: number, index: string): SerializedOperation[] {
  return enrichedOperations(Array.from({ length: count }, (_, i) => ceilingBody(from + i)), knownNames, index);
}

interface PhaseResult {
  readonly rate: number;
  readonly seconds: number;
  readonly load: LoadDone;
  readonly docs: number;
  /** Load stop → the last accepted webhook searchable. */
  readonly drain_ms: number;
  readonly all_searchable: boolean;
  /** `elasticsearch` is the pipeline's share: what the node spent minus the bench's visibility poll. */
  readonly cpu_us_per_message: Record<string, number>;
  readonly elasticsearch: ElasticsearchWindow;
  readonly time_to_searchable: VisibilityStats | null;
}

/** How Elasticsearch's CPU for one window was counted, and where its time went. */
interface ElasticsearchWindow {
  /** Everything the node spent from load start until the writes' merges settled, µs per message. */
  readonly measured_us_per_message: number;
  /** The time-to-searchable poll's part of it, measured by replaying its queries (0 with the poll off). */
  readonly visibility_poll_us_per_message: number;
  /** The JVM's JIT compiler threads' part of it (start-up cost still being paid). */
  readonly jit_us_per_message: number;
  /** What the idle node would have spent over the window (read just before it): included in the figures, shown for scale. */
  readonly idle_us_per_message: number;
  /** Drain end → no merge running (after the refresh interval). */
  readonly settle_ms: number;
  /** `_nodes/stats` differences over the window: times in ms, the rest counts. */
  readonly node_stats: Record<string, number>;
  /** The search counters over the poll's replay (its `queries` and times should match the window's). */
  readonly visibility_poll_replay_stats: Record<string, number> | null;
}

const POLL_MS = Number(values["visibility-poll-ms"]);
/**
 * Every index measured refreshes each second as a searched index does, also with the poll off: an
 * index nobody searched for 30 s otherwise skips its scheduled refreshes (search idle).
 */
const SEARCHED = { "index.refresh_interval": "1s" };
const ELASTICSEARCH_PHASE_METHOD =
  "Elasticsearch's CPU from /proc from load start (after the previous phase's merges settled) until every accepted document was searchable and no merge ran after the refresh interval (settle), JIT warmed first; minus the time-to-searchable poll's own cost, measured by replaying its queries (same ids, same hits and misses) back to back, less the idle node's CPU over as long; divided by the documents made searchable";
const esCpu = () => cpuSeconds(services()).elasticsearch!;
const esJit = () => jitSeconds(services()).elasticsearch ?? 0;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What the idle node spends per second (scheduled tasks, the JVM's own threads), read over 2 s. */
async function idleEsCpuPerSecond(): Promise<number> {
  const from = esCpu();
  const started = performance.now();
  await sleep(2_000);
  return (esCpu() - from) / ((performance.now() - started) / 1000);
}

/** Elasticsearch CPU seconds `work` costs: the node's CPU while it runs, less what the idle node spends in as long. */
async function esCpuOf(work: () => Promise<unknown>): Promise<number> {
  const idlePerSecond = await idleEsCpuPerSecond();
  const from = esCpu();
  const started = performance.now();
  await work();
  return Math.max(0, esCpu() - from - idlePerSecond * ((performance.now() - started) / 1000));
}

/**
 * Sends `rate`/s for `seconds` to `url`, then waits until every accepted webhook is searchable in
 * `index`. Elasticsearch's window starts once the previous phase's merges settled and ends once
 * this one's did; the processes' windows end when the last document is searchable.
 */
async function runLoad(url: string, index: string, rate: number, seconds: number, processes: Record<string, CpuTarget>, { measurePoll = true } = {}): Promise<PhaseResult> {
  await settle(es);
  const idlePerSecond = await idleEsCpuPerSecond();
  const before = (await es.count({ index })).count;
  const tracker = POLL_MS > 0 ? new VisibilityTracker(es, index, POLL_MS) : undefined;
  const statsBefore = await nodeCounters(es);
  const jitBefore = esJit();
  const cpuBefore = cpuSeconds({ ...services(), ...processes });
  const windowStarted = performance.now();
  const firstIndex = nextIndex;
  nextIndex += Math.ceil(rate * seconds * 1.2) + 10_000;
  const load = startLoad(
    { url, signingKey: SIGNING_KEY, rate, seconds, connections: CONNECTIONS, chats, seed: SEED, firstIndex, sampleEvery: Math.max(1, Math.round(rate / 50)) },
    (id) => tracker?.add(id),
  );
  tracker?.start();
  const done = await load.done;
  const stopped = performance.now();
  const expected = before + done.ok;
  let docs = before;
  const deadline = Date.now() + 120_000;
  while (docs < expected && Date.now() < deadline) {
    await sleep(100);
    docs = (await es.count({ index })).count;
  }
  const drainMs = Math.round(performance.now() - stopped);
  const cpuAfter = cpuSeconds({ ...services(), ...processes });
  const visibility = tracker ? await tracker.finish(10_000) : null;
  const settleMs = await settle(es);
  const esAfter = esCpu();
  const windowSeconds = (performance.now() - windowStarted) / 1000;
  const jitAfter = esJit();
  const nodeStats = counterDelta(statsBefore, await nodeCounters(es));
  let pollCpu = 0;
  let replayStats: Record<string, number> | undefined;
  if (tracker && measurePoll) {
    // Elasticsearch's own search counters over the replay, to hold beside the window's: the same queries, as long.
    const replayBefore = await nodeCounters(es);
    pollCpu = await esCpuOf(() => tracker.replay());
    const delta = counterDelta(replayBefore, await nodeCounters(es));
    replayStats = { queries: delta.queries!, query_ms: delta.query_ms!, fetches: delta.fetches!, fetch_ms: delta.fetch_ms! };
  }
  const made = docs - before;
  const perMessage = (cpuS: number) => round((cpuS / Math.max(1, made)) * 1e6);
  const cpuUs: Record<string, number> = {};
  for (const name of Object.keys(cpuAfter)) cpuUs[name] = perMessage(cpuAfter[name]! - cpuBefore[name]!);
  const measured = esAfter - cpuBefore.elasticsearch!;
  cpuUs.elasticsearch = perMessage(measured - pollCpu);
  cpuUs.load = perMessage(done.cpu_s);
  const elasticsearch: ElasticsearchWindow = {
    measured_us_per_message: perMessage(measured),
    visibility_poll_us_per_message: perMessage(pollCpu),
    jit_us_per_message: perMessage(jitAfter - jitBefore),
    idle_us_per_message: perMessage(idlePerSecond * windowSeconds),
    settle_ms: settleMs,
    node_stats: nodeStats,
    visibility_poll_replay_stats: replayStats ?? null,
  };
  return { rate, seconds, load: done, docs: made, drain_ms: drainMs, all_searchable: docs >= expected, cpu_us_per_message: cpuUs, elasticsearch, time_to_searchable: visibility };
}

function passes(phase: PhaseResult): boolean {
  const achieved = phase.load.ok / phase.seconds;
  return (
    phase.all_searchable &&
    phase.drain_ms <= SEARCHABLE_WITHIN_MS &&
    (phase.time_to_searchable === null || (phase.time_to_searchable.max_ms ?? Infinity) <= SEARCHABLE_WITHIN_MS) &&
    phase.load.non2xx + phase.load.errors + phase.load.timeouts === 0 &&
    achieved >= 0.95 * phase.rate
  );
}

try {
  // The worker's topology and indices as the tests make them (scoped names, deployed policies); the
  // apps run with their deployed defaults, the pull streams included.
  process.env.PUBSUB_EMULATOR_HOST = emulator.host;
  const stack = await createTestStack("e2e", { elasticsearchUrl: ownEs.url });
  const indices: IndexNames = stack.indices;
  await es.indices.putSettings({ index: indices.messages, settings: SEARCHED });
  const commonEnv = stack.env({ PUBSUB_MAX_STREAMS: String(loadConfig(configSchema, {}).PUBSUB_MAX_STREAMS), LOG_LEVEL: "warn" });
  const worker = await startWorker(
    { ...commonEnv, PERISKOPE_API_URL: sim.url, PERISKOPE_API_KEY: API_KEY, PERISKOPE_PHONES: sim.phones.join(",") },
    await freePort(),
  );
  const ingress = await startIngress({ ...commonEnv, PORT: "0", HOST: "127.0.0.1", PERISKOPE_SIGNING_KEY: SIGNING_KEY, LOG_LEVEL: "info" });
  const apps = { ingress: { pid: ingress.pid }, worker: { pid: worker.pid } };
  log(`pipeline up: ingress ${ingress.url}, worker pid ${worker.pid}`);

  // --- 1. warm-up -------------------------------------------------------------------------------
  // A fresh Elasticsearch keeps JIT-compiling its indexing path for hundreds of thousands of
  // documents; the ceiling runs last, on a warm node, so the phases must too.
  const freshIndex = async (label: string) => (await es.indices.create({ index: `${indices.messages}-${label}`, settings: SEARCHED })).index;
  const jitWarmUp = await warmUpUntilJitSettles(es, (index) => ceilingLines(0, CEILING_SAMPLE, index), (round) => freshIndex(`jit-${round}`), esJit, {
    settledPer1k: 0.01,
    maxRounds: Number(values["es-warm-up-rounds"]),
    shape: { batch: 1_000, concurrency: 2 },
  });
  log(`Elasticsearch JIT warm-up: ${jitWarmUp.rounds} rounds of ${CEILING_SAMPLE} documents, JIT CPU s/1k per round ${JSON.stringify(jitWarmUp.jit_cpu_s_per_1k_docs)}`);
  const warmUpSeconds = Number(values["warm-up-seconds"]);
  if (warmUpSeconds > 0) {
    const warming = runLoad(ingress.url, indices.messages, RATE, warmUpSeconds, apps, { measurePoll: false });
    if (values["hot-threads-file"]) {
      // Sampled here, not in a measured phase: hot threads cost the node some CPU.
      await sleep((warmUpSeconds * 1000) / 2);
      writeFileSync(values["hot-threads-file"], await hotThreads(es));
    }
    const warm = await warming;
    log(`warm-up: ${warm.docs} documents at ${RATE}/s, p99 to searchable ${warm.time_to_searchable?.p99_ms} ms, node stats ${JSON.stringify(warm.elasticsearch.node_stats)}`);
  }

  // --- 2. steady --------------------------------------------------------------------------------
  let steady: (PhaseResult & { rss_peak_mb: Record<string, number>; api_calls: number; worker_outcomes: Record<string, number> }) | undefined;
  if (PHASES.has("steady")) {
    // The worker's counters run from its start (warm-up included): the phase's own are the difference.
    const metricsBefore = await worker.metrics();
    const phase = await runLoad(ingress.url, indices.messages, RATE, SECONDS, apps);
    const metrics = await worker.metrics();
    const delta = (name: string, labels?: Record<string, string>) => metricSum(metrics, name, labels) - metricSum(metricsBefore, name, labels);
    steady = {
      ...phase,
      rss_peak_mb: { ingress: peakRssMb(ingress.pid), worker: peakRssMb(worker.pid) },
      api_calls: Object.values(sim.stats().getChatCalls).reduce((a, b) => a + b, 0),
      worker_outcomes: {
        ...Object.fromEntries(["indexed", "superseded", "nacked", "dead_lettered"].map((outcome) => [outcome, delta("worker_messages_total", { outcome })])),
        // Pulled with a delivery attempt above 1: work done twice.
        redelivered: delta("worker_delivery_attempts_count") - delta("worker_delivery_attempts_bucket", { le: "1" }),
      },
    };
    log(`steady: ${phase.docs} documents at ${RATE}/s; CPU µs/message ${JSON.stringify(phase.cpu_us_per_message)}; to searchable ${JSON.stringify(phase.time_to_searchable)}; worker outcomes ${JSON.stringify(steady.worker_outcomes)}; Elasticsearch ${JSON.stringify(phase.elasticsearch)}`);
  }

  // --- 3. saturation ----------------------------------------------------------------------------
  const saturation: Array<{ rate: number; passed: boolean; achieved_per_s: number; drain_ms: number; time_to_searchable: VisibilityStats | null; cpu_us_per_message: Record<string, number> }> = [];
  if (PHASES.has("saturation")) {
    for (let step = 1; step <= Number(values["saturation-steps"]); step++) {
      const rate = RATE + step * Number(values["saturation-step"]);
      const phase = await runLoad(ingress.url, indices.messages, rate, Number(values["saturation-seconds"]), apps);
      const passed = passes(phase);
      saturation.push({ rate, passed, achieved_per_s: Math.round(phase.load.ok / phase.seconds), drain_ms: phase.drain_ms, time_to_searchable: phase.time_to_searchable, cpu_us_per_message: phase.cpu_us_per_message });
      log(`saturation ${rate}/s: ${passed ? "passed" : "failed"} (achieved ${Math.round(phase.load.ok / phase.seconds)}/s, drain ${phase.drain_ms} ms, max to searchable ${phase.time_to_searchable?.max_ms} ms)`);
      if (!passed) break;
    }
  }
  await Promise.all([ingress.stop(), worker.stop()]);

  // --- 4. single process ------------------------------------------------------------------------
  let single: PhaseResult | undefined;
  if (PHASES.has("single")) {
    // Its own indices, mapped dynamically as the single-service version's were.
    const own = { messages: `single-${suffix}-messages`, chatNames: `single-${suffix}-chat-names` };
    const server = await startSingleProcessServer({
      ELASTICSEARCH_URL: ownEs.url,
      ELASTICSEARCH_INDEX: own.messages,
      ELASTICSEARCH_CACHE_INDEX: own.chatNames,
      PERISKOPE_API_URL: sim.url,
      PERISKOPE_API_KEY: API_KEY,
      PERISKOPE_SIGNING_KEY: SIGNING_KEY,
    });
    await es.indices.create({ index: own.messages, settings: SEARCHED });
    if (warmUpSeconds > 0) await runLoad(server.url, own.messages, RATE, Math.min(warmUpSeconds, 15), { server: { pid: server.pid } });
    single = await runLoad(server.url, own.messages, RATE, SECONDS, { server: { pid: server.pid } });
    log(`single process: ${single.docs} documents; CPU µs/message ${JSON.stringify(single.cpu_us_per_message)}; to searchable ${JSON.stringify(single.time_to_searchable)}`);
    await server.stop();
  }

  // --- 5. ceilings ------------------------------------------------------------------------------
  let ceilings: { elasticsearch: Record<string, unknown>; queue: Record<string, unknown> } | undefined;
  if (PHASES.has("ceilings")) {
    const docs = Number(values["ceiling-docs"]);
    const trials = await findBestShape(es, (index) => ceilingLines(0, CEILING_SAMPLE, index), [{ batch: 1_000, concurrency: 2 }, { batch: 2_000, concurrency: 4 }, { batch: 5_000, concurrency: 2 }], freshIndex);
    const best = trials[0]!;
    for (const trial of trials) await es.indices.delete({ index: `${indices.messages}-trial-${trial.batch}x${trial.concurrency}` });
    // Sustained, into an index made by the messages template like the pipeline's (refresh 1 s,
    // translog fsync per request), counted like a phase: from the first bulk until its merges settled.
    const index = await freshIndex("ceiling");
    const lines: SerializedOperation[] = [];
    for (let from = 0; from < docs; from += CEILING_SAMPLE) lines.push(...ceilingLines(from, Math.min(CEILING_SAMPLE, docs - from), index));
    await settle(es);
    const idlePerSecond = await idleEsCpuPerSecond();
    const statsBefore = await nodeCounters(es);
    const jitBefore = esJit();
    const esBefore = esCpu();
    const windowStarted = performance.now();
    const wall = await bulkFromMemory(es, lines, best);
    const settleMs = await settle(es);
    const measured = esCpu() - esBefore;
    const windowSeconds = (performance.now() - windowStarted) / 1000;
    lines.length = 0;
    const elasticsearch = {
      method: `${docs} of the worker's documents from memory, serialized as its sink sends them, bulk-indexed at the best shape of the trials into a fresh index from the messages template (same settings as the pipeline's: refresh 1 s, translog fsync per request), JIT warmed first; CPU from /proc from the first bulk until no merge ran after the refresh interval (settle)`,
      best_shape: best,
      docs,
      wall_ms: Math.round(wall),
      docs_per_s: Math.round(docs / (wall / 1000)),
      cpu_us_per_document: round((measured / docs) * 1e6),
      jit_us_per_document: round(((esJit() - jitBefore) / docs) * 1e6),
      idle_us_per_document: round(((idlePerSecond * windowSeconds) / docs) * 1e6),
      settle_ms: settleMs,
      node_stats: counterDelta(statsBefore, await nodeCounters(es)),
    };
    log(`ES ceiling: ${JSON.stringify(elasticsearch)}`);
    await es.indices.delete({ index });
    const bodies = Array.from({ length: QUEUE_CEILING_MESSAGES }, (_, i) => ceilingBody(i));

    const topic = `e2e-ceiling-${suffix}`;
    const [created] = await pubsub.createTopic(topic);
    await created.createSubscription(`${topic}-sub`, { ackDeadlineSeconds: 60 });
    await publishBodies(pubsub, topic, bodies);
    const pull = loadConfig(configSchema, {});
    const consumerBefore = cpuSeconds({ ...services(), consumer: { self: true } });
    const queue = await measureQueueCeiling(
      pubsub,
      {
        subscription: `${topic}-sub`,
        maxStreams: pull.PUBSUB_MAX_STREAMS,
        maxOutstandingMessages: pull.PUBSUB_MAX_OUTSTANDING_MESSAGES,
        maxOutstandingBytes: pull.PUBSUB_MAX_OUTSTANDING_BYTES,
        minAckDeadlineSeconds: pull.PUBSUB_MIN_ACK_DEADLINE_SECONDS,
        maxAckDeadlineSeconds: pull.PUBSUB_MAX_ACK_DEADLINE_SECONDS,
        maxExtensionSeconds: pull.PUBSUB_MAX_EXTENSION_SECONDS,
        closeTimeoutMs: 10_000,
      },
      QUEUE_CEILING_MESSAGES,
      600_000,
    );
    const consumerAfter = cpuSeconds({ ...services(), consumer: { self: true } });
    const perDoc = (name: string) => round(((consumerAfter[name]! - consumerBefore[name]!) / QUEUE_CEILING_MESSAGES) * 1e6);
    ceilings = {
      elasticsearch,
      queue: { method: "pull-and-ack-only consumer: the worker's source with its pull settings, acking on arrival (this process)", ...queue, cpu_us_per_document: { consumer: perDoc("consumer"), emulator: perDoc("emulator") } },
    };
    log(`queue ceiling: ${JSON.stringify(ceilings.queue)}`);
  }

  if (steady && ceilings) log(`Elasticsearch, steady vs ceiling: ${JSON.stringify(elasticsearchSummary(steady, ceilings.elasticsearch))}`);
  if (steady && single && ceilings) {
    const s = steady.cpu_us_per_message;
    const apps = round(s.ingress! + s.worker!);
    const singleUs = single.cpu_us_per_message.server!;
    const consumerUs = (ceilings.queue.cpu_us_per_document as { consumer: number }).consumer;
    const esCeilingUs = ceilings.elasticsearch.cpu_us_per_document as number;
    const highest = saturation.filter((step) => step.passed).at(-1)?.rate ?? (passes(steady) ? RATE : null);
    const result = {
      bench: "e2e",
      measured_at: new Date().toISOString(),
      apps_vs_single_process: round(apps / singleUs),
      time_to_searchable_p99_ms: steady.time_to_searchable?.p99_ms ?? null,
      cpu_us_per_message: { ...s, ingress_plus_worker: apps },
      worker_vs_pull_and_ack: round(s.worker! / consumerUs),
      elasticsearch_vs_ceiling: round(s.elasticsearch! / esCeilingUs),
      methods: {
        elasticsearch_phase: ELASTICSEARCH_PHASE_METHOD,
        elasticsearch_ceiling: ceilings.elasticsearch.method,
      },
      elasticsearch: elasticsearchSummary(steady, ceilings.elasticsearch),
      highest_rate_searchable_within_5s: highest,
      rss_peak_mb: steady.rss_peak_mb,
      machine: { cpus: cpus().length, memory_gib: Math.round(totalmem() / 2 ** 30), node: process.version, loadavg_before: loadBefore.map(round), loadavg_after: loadavg().map(round) },
      load: { tool: "autocannon (own process), fixed overall rate, fresh signed message.created per request", rate: RATE, seconds: SECONDS, connections: CONNECTIONS, chats: chats.length },
      setup: { elasticsearch: `private node, heap ${values["es-heap"]}`, pubsub: "private emulator, topology as deployed", simulator: "in this process, no faults" },
      steady,
      saturation,
      single_process: { method: "bench/lib/e2e-single-process-server.ts: per webhook cache get → API on a miss → index the cache doc on that miss → index the message → 200; dynamically mapped indices", ...single },
      ceilings,
      targets: {
        worker_vs_pull_and_ack: { target: 2.5, met: s.worker! / consumerUs <= 2.5 },
        apps_vs_single_process: { target: 0.5, met: apps / singleUs <= 0.5 },
        elasticsearch_vs_ceiling: { target: 1.3, met: s.elasticsearch! / esCeilingUs <= 1.3 },
        time_to_searchable_p99_ms: { target: 2_000, met: (steady.time_to_searchable?.p99_ms ?? Infinity) <= 2_000 },
      },
    };
    writeFileSync(OUT, `${JSON.stringify(result, null, 2)}\n`);
    process.stdout.write(`${JSON.stringify({ apps_vs_single_process: result.apps_vs_single_process, time_to_searchable_p99_ms: result.time_to_searchable_p99_ms, cpu_us_per_message: result.cpu_us_per_message, targets: result.targets })}\n`);
    log(`wrote ${OUT.pathname}`);
  }
} finally {
  await sim.close();
  await pubsub.close().catch(() => undefined);
  await es.close().catch(() => undefined);
  await Promise.allSettled([ownEs.destroy(), emulator.stop()]);
}

/** The steady phase's Elasticsearch figures beside the ceiling's, with and without the JIT compiler's part on both sides. */
function elasticsearchSummary(steady: PhaseResult, ceiling: Record<string, unknown>) {
  const pipeline = steady.cpu_us_per_message.elasticsearch!;
  const perDocument = ceiling.cpu_us_per_document as number;
  const ceilingJit = ceiling.jit_us_per_document as number;
  const { node_stats: _stats, ...window } = steady.elasticsearch;
  return {
    steady_us_per_message: pipeline,
    ...window,
    ceiling_us_per_document: perDocument,
    ceiling_jit_us_per_document: ceilingJit,
    vs_ceiling: round(pipeline / perDocument),
    /** A long-running cluster has compiled its hot paths: both sides without their JIT compiler threads' CPU. */
    vs_ceiling_excluding_jit: round((pipeline - steady.elasticsearch.jit_us_per_message) / (perDocument - ceilingJit)),
  };
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
