/**
 * `npm run bench -- ingress [--seconds 10] [--warmup 3] [--rounds 3] [--connections 50,200] [--fixed-rate 4000] [--cpu-prof <dir>]`
 *
 * In one run on this machine, with the same load tool (wrk, 2 threads) and the same signed ~1 KB
 * `message.created` bodies (the reference's example fields, 1,024 bytes each), measures:
 * - bare: a Hono app on the same adapter that reads the body and answers 200 (the ceiling);
 * - ingress: `apps/ingress/src/main.ts` as deployed: signature check, validation, publish with the
 *   client library's batching, 200 only after Pub/Sub acknowledged;
 * at each concurrency, `--rounds` times interleaved (bare, ingress, bare, …),
 * reporting the median round by req/s. The topic has no subscription during these runs (the emulator's garbage
 * collection of stored messages adds 100-200 ms tails that say nothing about the ingress); then
 * one more ingress run at the highest concurrency with a subscription attached.
 *
 * An extra row, not part of the targets: both servers at one fixed request rate (`--fixed-rate`,
 * autocannon; 0 skips it), so their CPU per request is compared at the same load rather than each
 * at its own saturation.
 *
 * Every measurement also records the CPU µs per request of the server, the emulator and wrk: all
 * three share the machine's two cores, so their sum says how far CPU alone lets req/s go.
 *
 * The emulator is a private instance on its own port (so other processes' Pub/Sub traffic does
 * not share it), unless PUBSUB_EMULATOR_HOST names one. Only 127.0.0.1 is contacted.
 * Writes bench/results/ingress.json; targets (issue 11), at c=200 as ratios within the run: server
 * CPU per request ≤ 2.0× bare's, p99 ≤ 2× bare's or ≤ 25 ms, 0 errors, ingress RSS ≤ 250 MB.
 * `--cpu-prof <dir>` starts both servers with `--cpu-prof` (profiles in `<dir>/bare`, `<dir>/ingress`)
 * and adds to each measurement the main thread's µs per request by category (ingress-profile.ts).
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { createPubSub } from "@periskope-pipeline/pubsub";
import { INGRESS_NODE_FLAGS } from "../apps/ingress/src/server/node-flags.ts";
import { startPrivateEmulator, type PrivateEmulator } from "@periskope-pipeline/local-stack";
import { signedBodies } from "./lib/ingress-bodies.ts";
import { runFixedRate } from "./lib/ingress-fixed-rate.ts";
import { breakdownPerRequest, monotonicUs, PROFILE_CATEGORIES, readProfileOf, type ProfileBreakdown } from "./lib/ingress-profile.ts";
import { startServerProcess, type ServerProcess } from "./lib/ingress-server-process.ts";
import { locateWrk, runWrk, writeWrkScript } from "./lib/ingress-wrk.ts";
import { cpuSeconds, type CpuTarget } from "./lib/worker-cpu.ts";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "10" },
    warmup: { type: "string", default: "3" },
    rounds: { type: "string", default: "3" },
    connections: { type: "string", default: "50,200" },
    /** Requests per second of the fixed-rate row (both servers); 0 skips it. */
    "fixed-rate": { type: "string", default: "4000" },
    /** A folder for V8 CPU profiles of both servers (node --cpu-prof), one per server run. */
    "cpu-prof": { type: "string" },
  },
});
const SECONDS = Number(values.seconds);
const WARMUP_SECONDS = Number(values.warmup);
const ROUNDS = Number(values.rounds);
const CONNECTIONS = values.connections.split(",").map(Number);
const FIXED_RATE = Number(values["fixed-rate"]);
const FIXED_RATE_CONNECTIONS = 50;
const THREADS = 2;
const KEY = "peri_bench_signing_key";
const OUT = new URL("./results/ingress.json", import.meta.url);
const INGRESS_MAIN = fileURLToPath(new URL("../apps/ingress/src/main.ts", import.meta.url));
const BARE_SERVER = fileURLToPath(new URL("./lib/ingress-bare-server.ts", import.meta.url));
const MB = 1024 * 1024;

const log = (message: string) => process.stderr.write(`[bench ingress] ${message}\n`);

type ServerKind = "bare" | "ingress";

interface Measurement {
  readonly server: ServerKind;
  /** wrk as fast as the server answers, or autocannon at `--fixed-rate`. */
  readonly load: "wrk" | "fixed_rate";
  readonly connections: number;
  readonly round: number;
  readonly subscription_attached: boolean;
  readonly req_per_s: number;
  readonly p50_ms: number;
  readonly p99_ms: number;
  readonly errors: number;
  readonly non_2xx: number;
  readonly requests: number;
  readonly server_rss_mb: number;
  readonly load_average_1m: number;
  /**
   * CPU microseconds per answered request of each process sharing the two cores: the server (all
   * its threads: the event loop, V8's GC helpers, libuv), the emulator (when private) and wrk. At most
   * 2,000,000 µs of CPU exist per second, so req/s ≤ 2e6 ÷ total.
   */
  readonly cpu_us_per_request: { readonly server: number; readonly emulator: number | null; readonly wrk: number; readonly total: number };
  /** With `--cpu-prof`: the server CPU per request split by category in the shares of its main thread's profile. */
  cpu_profile_us_per_request?: ProfileBreakdown;
}

// Ctrl-C or SIGTERM: exit through process "exit" hooks, which stop the servers and the emulator.
for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => process.exit(130));

const tool = locateWrk(log);
log(`load tool: wrk at ${tool.path} (${tool.version}), ${THREADS} threads, ${SECONDS}s per measurement after ${WARMUP_SECONDS}s warm-up`);

process.env.METADATA_SERVER_DETECTION = "none";
let emulator: PrivateEmulator | undefined;
const emulatorHost = process.env.PUBSUB_EMULATOR_HOST || (emulator = await startPrivateEmulator()).host;
log(`Pub/Sub emulator: ${emulatorHost}${emulator ? " (private instance)" : " (given)"}`);

const suffix = randomUUID().slice(0, 8);
const projectId = `bench-ingress-${suffix}`;
const eventsTopic = `events-${suffix}`;
const commandsTopic = `commands-${suffix}`;
const subscription = `events-bench-${suffix}`;
const pubsub = createPubSub({ projectId, emulatorHost });
await pubsub.createTopic(eventsTopic);
await pubsub.createTopic(commandsTopic);

const requests = signedBodies(64, KEY);
const bodyBytes = Math.round(requests.reduce((sum, r) => sum + Buffer.byteLength(r.body), 0) / requests.length);
const script = path.join(mkdtempSync(path.join(tmpdir(), "bench-ingress-")), "post.lua");
writeWrkScript(script, "/periskopewebhook", requests);

const ingressEnv = {
  PORT: "0",
  HOST: "127.0.0.1",
  LOG_LEVEL: "info",
  PERISKOPE_SIGNING_KEY: KEY,
  PUBSUB_EMULATOR_HOST: emulatorHost,
  PUBSUB_PROJECT_ID: projectId,
  PUBSUB_EVENTS_TOPIC: eventsTopic,
  PUBSUB_COMMANDS_TOPIC: commandsTopic,
  METADATA_SERVER_DETECTION: "none",
};
const profileDir = values["cpu-prof"];
const profileFlags = (kind: ServerKind) => (profileDir ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(profileDir, kind)}`] : []);
const ingressFlags = [...INGRESS_NODE_FLAGS, ...profileFlags("ingress")];

async function startServer(kind: ServerKind): Promise<ServerProcess> {
  // The ingress starts as deployed, with its Node flags (server/node-flags.ts); the bare app on
  // Node's defaults.
  if (kind === "bare") return startServerProcess(BARE_SERVER, { PORT: "0" }, profileFlags("bare"));
  return startServerProcess(INGRESS_MAIN, ingressEnv, ingressFlags);
}

/** The ingress's own count of acknowledged webhooks, to check against wrk's 2xx. */
async function acknowledged(url: string): Promise<{ accepted: number; publishFailures: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const accepted = Number(/^ingress_http_requests_total\{route="\/periskopewebhook",status="200"[^}]*\} (\d+)/m.exec(text)?.[1] ?? 0);
  const publishFailures = [...text.matchAll(/^ingress_publish_failures_total\{[^}]*\} (\d+)/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
  return { accepted, publishFailures };
}

async function measure(kind: ServerKind, round: number, subscriptionAttached: boolean, connectionsList = CONNECTIONS): Promise<Measurement[]> {
  const server = await startServer(kind);
  const results: Measurement[] = [];
  /** Each measurement's time window, to read its share of the CPU profile once the server exited. */
  const windows: { fromUs: number; toUs: number }[] = [];
  let sent2xx = 0;
  /** Requests in flight when wrk stops are answered but not counted by wrk: at most one per connection per run. */
  let uncounted = 0;
  try {
    const url = `${server.url}/periskopewebhook`;
    const loads: { load: Measurement["load"]; connections: number }[] = connectionsList.map((connections) => ({ load: "wrk", connections }));
    if (FIXED_RATE > 0 && !subscriptionAttached) loads.push({ load: "fixed_rate", connections: FIXED_RATE_CONNECTIONS });
    for (const { load, connections } of loads) {
      const run = () =>
        load === "wrk"
          ? runWrk(tool, { url, script, connections, threads: THREADS, seconds: SECONDS })
          : runFixedRate({ url, requests, rate: FIXED_RATE, seconds: SECONDS, connections }).then((r) => ({ ...r, cpuSeconds: 0 }));
      // The fixed-rate run follows the wrk runs on a server that is already warm.
      const warm = load === "wrk" ? await runWrk(tool, { url, script, connections, threads: THREADS, seconds: WARMUP_SECONDS }) : { requests: 0, non2xx: 0 };
      const rss = server.sampleRss();
      const cpuTargets: Record<string, CpuTarget> = { server: { pid: server.pid }, ...(emulator ? { emulator: { pgid: emulator.pgid() } } : {}) };
      const cpuBefore = cpuSeconds(cpuTargets);
      const fromUs = monotonicUs();
      const result = await run();
      windows.push({ fromUs, toUs: monotonicUs() });
      const cpuAfter = cpuSeconds(cpuTargets);
      const peak = rss.stop();
      const perRequest = (seconds: number) => Math.round((seconds / Math.max(1, result.requests)) * 1e6 * 10) / 10;
      const serverUs = perRequest((cpuAfter.server ?? 0) - (cpuBefore.server ?? 0));
      const emulatorUs = emulator ? perRequest((cpuAfter.emulator ?? 0) - (cpuBefore.emulator ?? 0)) : null;
      const wrkUs = perRequest(result.cpuSeconds);
      sent2xx += warm.requests - warm.non2xx + result.requests - result.non2xx;
      uncounted += 2 * connections;
      const measurement: Measurement = {
        server: kind,
        load,
        connections,
        round,
        subscription_attached: subscriptionAttached,
        req_per_s: Math.round(result.requestsPerSecond),
        p50_ms: result.p50Ms,
        p99_ms: result.p99Ms,
        errors: result.errors,
        non_2xx: result.non2xx,
        requests: result.requests,
        server_rss_mb: Math.round((peak / MB) * 10) / 10,
        load_average_1m: Math.round((loadavg()[0] as number) * 100) / 100,
        cpu_us_per_request: { server: serverUs, emulator: emulatorUs, wrk: wrkUs, total: Math.round((serverUs + (emulatorUs ?? 0) + wrkUs) * 10) / 10 },
      };
      log(`${kind} ${load === "wrk" ? "" : `at ${FIXED_RATE}/s `}c=${connections} round ${round}${subscriptionAttached ? " (subscription attached)" : ""}: ${measurement.req_per_s} req/s, p50 ${measurement.p50_ms} ms, p99 ${measurement.p99_ms} ms, errors ${measurement.errors}, non-2xx ${measurement.non_2xx}, RSS ${measurement.server_rss_mb} MB, load ${measurement.load_average_1m}, CPU µs/request ${JSON.stringify(measurement.cpu_us_per_request)}`);
      results.push(measurement);
    }
    if (kind === "ingress") {
      const { accepted, publishFailures } = await acknowledged(server.url);
      if (accepted < sent2xx || accepted > sent2xx + uncounted || publishFailures > 0) {
        throw new Error(`ingress counted ${accepted} acknowledged webhooks and ${publishFailures} publish failures; wrk saw ${sent2xx} 2xx`);
      }
    }
  } finally {
    await server.stop();
  }
  const profile = profileDir ? readProfileOf(path.resolve(profileDir, kind), server.pid) : undefined;
  if (profile) results.forEach((m, i) => (m.cpu_profile_us_per_request = breakdownPerRequest(profile, windows[i] as (typeof windows)[number], m.cpu_us_per_request.server)));
  return results;
}

const median = (items: Measurement[]): Measurement => {
  const sorted = [...items].sort((a, b) => a.req_per_s - b.req_per_s);
  return sorted[Math.floor((sorted.length - 1) / 2)] as Measurement;
};

const summary = ({ req_per_s, p50_ms, p99_ms, errors, non_2xx, server_rss_mb, requests, round, load_average_1m, cpu_us_per_request, cpu_profile_us_per_request }: Measurement) => ({
  req_per_s,
  p50_ms,
  p99_ms,
  errors,
  non_2xx,
  server_rss_mb,
  requests,
  median_of_round: round,
  load_average_1m,
  cpu_us_per_request,
  ...(cpu_profile_us_per_request ? { cpu_profile_us_per_request } : {}),
});

const loadBefore = loadavg().map((n) => Math.round(n * 100) / 100);
const all: Measurement[] = [];
try {
  for (let round = 1; round <= ROUNDS; round++) {
    all.push(...(await measure("bare", round, false)));
    all.push(...(await measure("ingress", round, false)));
  }
  await pubsub.createSubscription(eventsTopic, subscription, { ackDeadlineSeconds: 60 });
  const highest = Math.max(...CONNECTIONS);
  all.push(...(await measure("ingress", 1, true, [highest])));
} finally {
  await pubsub.subscription(subscription).delete().catch(() => {});
  await pubsub.topic(eventsTopic).delete().catch(() => {});
  await pubsub.topic(commandsTopic).delete().catch(() => {});
  await pubsub.close();
  await emulator?.stop();
}
const loadAfter = loadavg().map((n) => Math.round(n * 100) / 100);

const pick = (server: ServerKind, connections: number, attached = false) =>
  median(all.filter((m) => m.server === server && m.load === "wrk" && m.connections === connections && m.subscription_attached === attached));
const byConcurrency = (server: ServerKind) => Object.fromEntries(CONNECTIONS.map((c) => [`c${c}`, summary(pick(server, c))]));
const top = Math.max(...CONNECTIONS);
const bareTop = pick("bare", top);
const ingressTop = pick("ingress", top);
const attached = pick("ingress", top, true);
const ratio = Math.round((ingressTop.req_per_s / bareTop.req_per_s) * 1000) / 1000;
const cpuRatio = Math.round((ingressTop.cpu_us_per_request.server / bareTop.cpu_us_per_request.server) * 100) / 100;
const p99Ratio = Math.round((ingressTop.p99_ms / bareTop.p99_ms) * 100) / 100;
/** The fixed-rate round with the median server CPU per request. */
const fixedRate = (server: ServerKind): Measurement | undefined => {
  const sorted = all.filter((m) => m.server === server && m.load === "fixed_rate").sort((a, b) => a.cpu_us_per_request.server - b.cpu_us_per_request.server);
  return sorted[Math.floor((sorted.length - 1) / 2)];
};
const fixedRateRow = () => {
  const [bare, ingress] = [fixedRate("bare"), fixedRate("ingress")];
  if (!bare || !ingress) return undefined;
  const row = (m: Measurement) => ({ req_per_s: m.req_per_s, p50_ms: m.p50_ms, p99_ms: m.p99_ms, errors: m.errors, non_2xx: m.non_2xx, cpu_us_per_request: m.cpu_us_per_request, ...(m.cpu_profile_us_per_request ? { cpu_profile_us_per_request: m.cpu_profile_us_per_request } : {}) });
  const cpuRatio = Math.round((ingress.cpu_us_per_request.server / bare.cpu_us_per_request.server) * 100) / 100;
  // Only a rate both servers kept up with compares them at the same load.
  const bothReachedRate = [bare, ingress].every((m) => m.req_per_s >= 0.95 * FIXED_RATE);
  return { rate: FIXED_RATE, connections: FIXED_RATE_CONNECTIONS, tool: "autocannon overallRate (in the bench process), median round by server CPU", bare: row(bare), ingress: row(ingress), cpu_ratio: cpuRatio, both_reached_rate: bothReachedRate };
};
const ingressErrors = all.filter((m) => m.server === "ingress" && !m.subscription_attached).reduce((sum, m) => sum + m.errors + m.non_2xx, 0);
// The targets concern the runs without a subscription; the attached run is reported on its own.
const ingressPeakRss = Math.max(...all.filter((m) => m.server === "ingress" && !m.subscription_attached).map((m) => m.server_rss_mb));

const result = {
  bench: "ingress",
  generated_at: new Date().toISOString(),
  tool: { name: "wrk", path: tool.path, version: tool.version, threads: THREADS, seconds: SECONDS, warmup_seconds: WARMUP_SECONDS, timeout_seconds: 10, rounds: ROUNDS, pick: "median round by req/s" },
  machine: { cpus: cpus().length, node: process.version, load_average_before: loadBefore, load_average_after: loadAfter },
  bodies: { kind: "message.created", signed: true, distinct: requests.length, average_bytes: bodyBytes },
  emulator: { host: emulatorHost, private: emulator !== undefined, subscriptions_during_main_runs: 0 },
  ingress_launch: { node_flags: ingressFlags, settings: "otherwise the defaults of apps/ingress/src/config.ts" },
  bare: byConcurrency("bare"),
  ingress: byConcurrency("ingress"),
  ingress_with_subscription: { [`c${top}`]: summary(attached) },
  fixed_rate: fixedRateRow(),
  ratio,
  ratio_definition: `ingress req/s ÷ bare req/s at c=${top}`,
  cpu_ratio: cpuRatio,
  cpu_ratio_definition: `ingress server CPU µs per request ÷ bare's at c=${top}`,
  p99_ratio: p99Ratio,
  targets: {
    cpu_per_request_at_most_2x_bare: cpuRatio <= 2,
    p99_at_most_2x_bare_or_25_ms: p99Ratio <= 2 || ingressTop.p99_ms <= 25,
    zero_errors: ingressErrors === 0,
    rss_at_most_250_mb: ingressPeakRss <= 250,
  },
  measurements: all,
};
writeFileSync(OUT, `${JSON.stringify(result, null, 2)}\n`);
log(`at c=${top}: ingress ${ingressTop.req_per_s} req/s (ratio ${ratio}), server CPU ${ingressTop.cpu_us_per_request.server} vs bare ${bareTop.cpu_us_per_request.server} µs/request (×${cpuRatio}, target ≤ 2.0), p99 ${ingressTop.p99_ms} ms vs bare ${bareTop.p99_ms} ms (×${p99Ratio}, target ≤ 2 or ≤ 25 ms), errors+non-2xx ${ingressErrors}, peak RSS ${ingressPeakRss} MB (target ≤ 250); with a subscription: p99 ${attached.p99_ms} ms`);
log(`load average before ${loadBefore.join(", ")}, after ${loadAfter.join(", ")}; wrote ${fileURLToPath(OUT)}`);
const fixed = result.fixed_rate;
if (fixed) {
  log(`at a fixed ${FIXED_RATE} req/s (c=${FIXED_RATE_CONNECTIONS}): server CPU ingress ${fixed.ingress.cpu_us_per_request.server} vs bare ${fixed.bare.cpu_us_per_request.server} µs/request (×${fixed.cpu_ratio}); p99 ${fixed.ingress.p99_ms} vs ${fixed.bare.p99_ms} ms${fixed.both_reached_rate ? "" : `; NOT at equal load: ${fixed.ingress.req_per_s} vs ${fixed.bare.req_per_s} req/s answered, lower --fixed-rate`}`);
}
if (profileDir) {
  const columns: [string, Measurement | undefined][] = [[`bare c=${top}`, bareTop], [`ingress c=${top}`, ingressTop], ["bare fixed", fixedRate("bare")], ["ingress fixed", fixedRate("ingress")]];
  const shown = columns.filter(([, m]) => m?.cpu_profile_us_per_request);
  log(`server CPU µs per request by category, split in the shares of the main thread's profile (${path.resolve(profileDir)}):`);
  log(`${"".padEnd(16)}${shown.map(([name]) => name.padStart(16)).join("")}`);
  for (const category of [...PROFILE_CATEGORIES, "total"] as const) {
    log(`${category.padEnd(16)}${shown.map(([, m]) => String(m?.cpu_profile_us_per_request?.[category]).padStart(16)).join("")}`);
  }
}
