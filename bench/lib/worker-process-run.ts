/**
 * Ceiling-free run (3) of the worker benchmark: the real worker process (`apps/worker/src/main.ts`,
 * as deployed) pulling a pre-published backlog. Timed from the moment it reports ready (pulling)
 * until every document is searchable; its peak RSS comes from the kernel (VmHWM).
 */
import { spawn } from "node:child_process";
import { createWriteStream, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { ElasticsearchClient } from "@periskope-pipeline/elasticsearch";
import { WORKER_NODE_FLAGS } from "../../apps/worker/src/node-flags.ts";
import { cpuPerThousand, cpuSeconds, jitSeconds, type CpuTarget } from "./worker-cpu.ts";

const WORKER_MAIN = fileURLToPath(new URL("../../apps/worker/src/main.ts", import.meta.url));

export interface WorkerRun {
  readonly startup_ms: number;
  readonly wall_ms: number;
  readonly docs: number;
  readonly docs_per_s: number;
  readonly rss_peak_mb: number;
  /** CPU seconds per 1,000 documents of each process while the backlog drained. */
  readonly cpu_s_per_1k_docs: Record<string, number>;
  /** The part of it the JVMs' JIT compilers took (included above). */
  readonly jit_cpu_s_per_1k_docs: Record<string, number>;
  /** Peaks of the worker's own memory gauges, sampled every second while it ran. */
  readonly memory_peaks_mb: { heap_used: number; heap_total: number; external: number; rss: number };
  readonly metrics: string;
  /** Documents searchable over time: [ms since ready, count], about once a second. */
  readonly progress: Array<[number, number]>;
}

export async function runWorkerProcess(options: {
  env: Record<string, string>;
  metricsPort: number;
  es: ElasticsearchClient;
  index: string;
  expected: number;
  timeoutMs: number;
  log: (line: string) => void;
  /** The processes to account CPU to, given the worker's pid. */
  cpuTargets: (workerPid: number) => Record<string, CpuTarget>;
}): Promise<WorkerRun> {
  const spawned = performance.now();
  // As deployed: the worker's recommended flags, plus any extra (e.g. --cpu-prof) for diagnosis.
  const flags = [...WORKER_NODE_FLAGS, ...(process.env.BENCH_WORKER_NODE_FLAGS ?? "").split(/\s+/).filter(Boolean)];
  const child = spawn(process.execPath, [...flags, WORKER_MAIN], { env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...options.env }, stdio: ["ignore", "pipe", "pipe"] });
  // The tail of its logs and of V8's own messages, for the error when it fails.
  let stderr = "";
  const keep = (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-10_000));
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  // For diagnosis (e.g. with --trace-gc among the extra flags): everything the worker prints, to a file.
  if (process.env.BENCH_WORKER_OUTPUT) {
    const file = createWriteStream(process.env.BENCH_WORKER_OUTPUT);
    child.stdout!.pipe(file, { end: false });
    child.stderr!.pipe(file, { end: false });
  }
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const base = `http://127.0.0.1:${options.metricsPort}`;
  try {
    const deadline = Date.now() + options.timeoutMs;
    while (!(await fetch(`${base}/readyz`).then((r) => r.ok, () => false))) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`worker did not become ready\n${stderr}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const ready = performance.now();
    const cpuBefore = cpuSeconds(options.cpuTargets(child.pid!));
    const jitBefore = jitSeconds(options.cpuTargets(child.pid!));
    const peaks = { heap_used: 0, heap_total: 0, external: 0, rss: 0 };
    const sampler = setInterval(async () => {
      const text = await fetch(`${base}/metrics`).then((r) => r.text(), () => "");
      const mb = (name: string) => Math.round(metricSum(text, name) / 2 ** 20);
      peaks.heap_used = Math.max(peaks.heap_used, mb("nodejs_heap_size_used_bytes"));
      peaks.heap_total = Math.max(peaks.heap_total, mb("nodejs_heap_size_total_bytes"));
      peaks.external = Math.max(peaks.external, mb("nodejs_external_memory_bytes"));
      peaks.rss = Math.max(peaks.rss, mb("process_resident_memory_bytes"));
    }, 1_000);
    let docs = 0;
    let lastLog = 0;
    const progress: Array<[number, number]> = [];
    while (docs < options.expected) {
      if (Date.now() > deadline) throw new Error(`only ${docs} of ${options.expected} documents within ${options.timeoutMs} ms\n${stderr}`);
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`worker exited (${child.exitCode ?? child.signalCode}) with ${docs} documents indexed\n${stderr}`);
      await new Promise((r) => setTimeout(r, 250));
      // Searchable means visible to search: count without forcing a refresh (the index refreshes every second).
      docs = (await options.es.count({ index: options.index })).count;
      const at = Math.round(performance.now() - ready);
      if (progress.length === 0 || at - progress[progress.length - 1]![0] >= 1_000) progress.push([at, docs]);
      if (performance.now() - lastLog > 5_000) {
        lastLog = performance.now();
        options.log(`pipeline: ${docs.toLocaleString("en-US")} documents searchable after ${Math.round(lastLog - ready)} ms`);
      }
    }
    const done = performance.now();
    const cpuAfter = cpuSeconds(options.cpuTargets(child.pid!));
    const jitAfter = jitSeconds(options.cpuTargets(child.pid!));
    clearInterval(sampler);
    const metrics = await fetch(`${base}/metrics`).then((r) => r.text());
    const rss = peakRssMb(child.pid!);
    return {
      startup_ms: Math.round(ready - spawned),
      wall_ms: Math.round(done - ready),
      docs,
      docs_per_s: Math.round(docs / ((done - ready) / 1000)),
      rss_peak_mb: rss,
      cpu_s_per_1k_docs: cpuPerThousand(cpuBefore, cpuAfter, docs),
      jit_cpu_s_per_1k_docs: cpuPerThousand(jitBefore, jitAfter, docs),
      memory_peaks_mb: peaks,
      metrics,
      progress,
    };
  } finally {
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    await exited;
    clearTimeout(timer);
  }
}

/** The kernel's high-water mark of the process's resident set (VmHWM), in MB. */
function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1] ?? Number.NaN);
  return Math.round(kb / 1024);
}

/** Sum of a counter's series whose labels match. */
export function metricSum(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (!Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) continue;
    sum += Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return sum;
}
