/**
 * The npm workspaces of the repository and the workspace packages each one needs at run time
 * (production `dependencies`, followed transitively), read from the package.json files.
 */
import { globSync } from "node:fs";
import { REPO_ROOT, readRepoJson } from "./repo.ts";

interface PackageJson {
  name: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  workspaces?: string[];
  scripts?: Record<string, string>;
}

export interface Workspace {
  readonly name: string;
  /** Repository-relative folder, e.g. `packages/config`. */
  readonly dir: string;
  readonly manifest: PackageJson;
}

export function rootManifest(): PackageJson {
  return readRepoJson<PackageJson>("package.json");
}

export function workspaces(): Workspace[] {
  return (rootManifest().workspaces ?? [])
    .flatMap((pattern) => globSync(`${pattern}/package.json`, { cwd: REPO_ROOT }))
    .map((file) => {
      const dir = file.replace(/\/package\.json$/, "");
      const manifest = readRepoJson<PackageJson>(file);
      return { name: manifest.name, dir, manifest };
    })
    .sort((a, b) => a.dir.localeCompare(b.dir));
}

/** `dir` and every workspace it depends on in production, transitively, as folders. */
export function runtimeWorkspaceClosure(dir: string): string[] {
  const all = workspaces();
  const byName = new Map(all.map((w) => [w.name, w]));
  const start = all.find((w) => w.dir === dir);
  if (!start) throw new Error(`${dir} is not a workspace`);
  const seen = new Set<string>();
  const visit = (w: Workspace): void => {
    if (seen.has(w.dir)) return;
    seen.add(w.dir);
    for (const dep of Object.keys(w.manifest.dependencies ?? {})) {
      const target = byName.get(dep);
      if (target) visit(target);
    }
  };
  visit(start);
  return [...seen].sort();
}
