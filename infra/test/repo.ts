/** Paths of the repository files the infrastructure checks read. */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

export function repoPath(relative: string): string {
  return `${REPO_ROOT}${relative}`;
}

export function readRepoFile(relative: string): string {
  return readFileSync(repoPath(relative), "utf8");
}

export function readRepoJson<T = unknown>(relative: string): T {
  return JSON.parse(readRepoFile(relative)) as T;
}
