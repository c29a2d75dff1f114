/**
 * Where a server's CPU went per request, from a V8 CPU profile (`node --cpu-prof`) of its main
 * thread: self time summed by category over a measurement window. Samples are taken on the wall
 * clock, so on a busy machine a frame's time includes moments the thread waited for a core: only the
 * shares are meaningful, and they are scaled to the server's CPU per request measured from /proc.
 * Categories come from each frame's script URL; a native frame (no URL, e.g. the socket write
 * `writeUtf8String` or a RegExp) counts for the category of the JS frame that called it.
 *
 * Windows are in microseconds of the monotonic clock, which is what both the profile's timestamps
 * and `process.hrtime` read on Linux.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

export const PROFILE_CATEGORIES = ["http", "hono", "gc", "ours", "crypto", "pubsub_library", "grpc_protobuf", "metrics_logging", "node_other", "unattributed"] as const;
export type ProfileCategory = (typeof PROFILE_CATEGORIES)[number];

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string };
  readonly children?: readonly number[];
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

const LIBRARY_CATEGORIES: readonly [RegExp, ProfileCategory][] = [
  [/@google-cloud\/(pubsub|projectify|precise-date|paginator|promisify)|google-gax|\/extend\/|google-auth-library/, "pubsub_library"],
  [/@grpc\/|protobufjs|@protobufjs/, "grpc_protobuf"],
  [/\/hono\/|@hono\/node-server/, "hono"],
  [/prom-client|pino|sonic-boom/, "metrics_logging"],
];

function urlCategory(url: string): ProfileCategory {
  for (const [pattern, category] of LIBRARY_CATEGORIES) if (pattern.test(url)) return category;
  if (url.startsWith("file://") && !url.includes("node_modules")) return "ours";
  if (/^node:(internal\/)?(_?http|net|stream|internal\/streams|internal\/stream_base|internal\/http)/.test(url) || url.startsWith("node:internal/streams")) return "http";
  if (url.startsWith("node:internal/crypto") || url === "node:crypto") return "crypto";
  return "node_other";
}

/** The category of each profile node, natives inheriting their caller's. */
function categorise(profile: CpuProfile): Map<number, ProfileCategory | "idle"> {
  const result = new Map<number, ProfileCategory | "idle">();
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const visit = (id: number, inherited: ProfileCategory) => {
    const node = byId.get(id);
    if (!node) return;
    const { functionName, url } = node.callFrame;
    let category: ProfileCategory | "idle";
    if (functionName === "(idle)") category = "idle";
    else if (functionName === "(garbage collector)") category = "gc";
    else if (functionName === "(program)") category = "unattributed";
    else category = url === "" ? inherited : urlCategory(url);
    result.set(id, category);
    for (const child of node.children ?? []) visit(child, category === "idle" ? inherited : category);
  };
  visit(profile.nodes[0]?.id ?? 1, "node_other");
  return result;
}

export type ProfileBreakdown = Record<ProfileCategory | "total", number>;

/**
 * µs per request by category between `fromUs` and `toUs` (monotonic clock): each category's share
 * of the busy samples times `cpuUsPerRequest`.
 */
export function breakdownPerRequest(profile: CpuProfile, window: { fromUs: number; toUs: number }, cpuUsPerRequest: number): ProfileBreakdown {
  const categories = categorise(profile);
  const sums = Object.fromEntries([...PROFILE_CATEGORIES, "total"].map((c) => [c, 0])) as ProfileBreakdown;
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (at < window.fromUs || at > window.toUs) continue;
    const category = categories.get(profile.samples[i] as number);
    if (category === undefined || category === "idle") continue;
    sums[category] += delta;
    sums.total += delta;
  }
  const perRequest = (us: number) => Math.round((us / Math.max(1, sums.total)) * cpuUsPerRequest * 10) / 10;
  return Object.fromEntries(Object.entries(sums).map(([c, us]) => [c, perRequest(us)])) as ProfileBreakdown;
}

/** The profile a process with this pid wrote into `dir` when it exited. */
export function readProfileOf(dir: string, pid: number): CpuProfile | undefined {
  const file = readdirSync(dir).find((name) => name.endsWith(".cpuprofile") && name.includes(`.${pid}.`));
  return file ? (JSON.parse(readFileSync(path.join(dir, file), "utf8")) as CpuProfile) : undefined;
}

/** Now on the profile's clock (µs). */
export function monotonicUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}
