/**
 * Builds an image's file system without Docker: exactly the context files the Dockerfile copies
 * for a target (after .dockerignore), in a folder standing in for the image's WORKDIR, then the
 * Dockerfile's own `npm ci` there. What a test then runs from that folder is what the image holds.
 */
import { spawn } from "node:child_process";
import { cpSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { posix } from "node:path";
import type { ImagePlan } from "./dockerfile-plan.ts";
import { dockerIgnoreMatcher } from "./dockerignore.ts";
import { readRepoFile, REPO_ROOT } from "./repo.ts";

/** Copies the plan's context files into `root` (the WORKDIR); returns WORKDIR-relative paths. */
export function assembleImage(plan: ImagePlan, root: string): string[] {
  const ignored = dockerIgnoreMatcher(readRepoFile(".dockerignore"));
  const copied: string[] = [];
  const place = (source: string, destination: string) => {
    const relative = posix.relative(plan.workdir, destination);
    if (relative.startsWith("..") || posix.isAbsolute(relative)) throw new Error(`${destination} is outside WORKDIR ${plan.workdir}`);
    const target = `${root}/${relative}`;
    mkdirSync(posix.dirname(target), { recursive: true });
    cpSync(`${REPO_ROOT}${source}`, target);
    copied.push(relative);
  };
  for (const copy of plan.contextCopies) {
    if (ignored(copy.source)) throw new Error(`COPY ${copy.source} is excluded by .dockerignore`);
    const isDirectory = statSync(`${REPO_ROOT}${copy.source}`).isDirectory();
    if (!isDirectory) {
      place(copy.source, copy.intoDirectory ? posix.join(copy.destination, posix.basename(copy.source)) : copy.destination);
      continue;
    }
    // A directory source copies its contents, minus what .dockerignore excludes.
    for (const file of walk(copy.source)) {
      if (ignored(file)) continue;
      place(file, posix.join(copy.destination, posix.relative(copy.source, file)));
    }
  }
  return copied.sort();
}

function walk(dir: string): string[] {
  return readdirSync(`${REPO_ROOT}${dir}`, { withFileTypes: true }).flatMap((entry) => {
    const path = `${dir}/${entry.name}`;
    return entry.isDirectory() ? walk(path) : [path];
  });
}

/** Runs the plan's single `RUN npm ci ...` in `root`, as the Dockerfile does. */
export async function runInstall(plan: ImagePlan, root: string): Promise<void> {
  const [install, ...others] = plan.runs;
  const [program, ...args] = install ?? [];
  if (program !== "npm" || args[0] !== "ci" || others.length > 0) {
    throw new Error(`expected exactly one RUN npm ci, found ${JSON.stringify(plan.runs)}`);
  }
  const output: string[] = [];
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(program, args, {
      cwd: root,
      // The host's environment (registry, CA certificates, cache), with the image's settings on top.
      env: { ...process.env, ...plan.env, npm_config_loglevel: "error" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout.on("data", (b: Buffer) => output.push(b.toString()));
    child.stderr.on("data", (b: Buffer) => output.push(b.toString()));
    child.on("error", reject);
    child.on("close", resolve);
  });
  if (code !== 0) throw new Error(`npm ${args.join(" ")} failed in ${root} (exit ${code}):\n${output.join("").slice(-4000)}`);
}
