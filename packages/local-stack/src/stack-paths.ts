import path from "node:path";

/** Root of the repository: this file lives at packages/local-stack/src/. */
export const REPO_ROOT = path.resolve(import.meta.dirname, "../../..");

/**
 * Where the stack keeps its state (downloads, data, logs, pid files). Git-ignored.
 * `LOCAL_STACK_DIR` moves it, e.g. to share one Elasticsearch between two clones.
 */
export function stackDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.LOCAL_STACK_DIR || path.join(REPO_ROOT, ".stack"));
}

/** The fixed layout under the state folder; every module reads its paths from here. */
export function stackPaths(root: string = stackDir()) {
  const run = path.join(root, "run");
  return {
    root,
    downloads: path.join(root, "downloads"),
    elasticsearch: path.join(root, "elasticsearch"),
    pubsub: path.join(root, "pubsub"),
    run,
    leases: path.join(run, "leases"),
  };
}

export type StackPaths = ReturnType<typeof stackPaths>;
