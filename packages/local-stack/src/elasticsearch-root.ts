import { createHash } from "node:crypto";
import { mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { logStack } from "./log.ts";
import { REPO_ROOT } from "./stack-paths.ts";
import { userCanReach, type ServiceUser } from "./service-user.ts";

/**
 * The folder holding the Elasticsearch install, config, data and logs. Normally inside the
 * state folder; but the service user must traverse every parent, and a repository under a
 * private folder (/root/...) is out of its reach, so then it moves to /var/tmp under a name
 * derived from the repository, keeping two clones apart.
 */
export function chooseElasticsearchRoot(preferred: string, user: ServiceUser | undefined): string {
  mkdirSync(preferred, { recursive: true });
  if (user === undefined || userCanReach(user, preferred)) return preferred;
  const hash = createHash("sha256").update(preferred).digest("hex").slice(0, 8);
  const fallback = path.join("/var/tmp", `${repositoryName()}-${hash}`, "elasticsearch");
  logStack(`user ${user.name} cannot reach ${preferred} (a parent folder is private); using ${fallback} instead`);
  mkdirSync(fallback, { recursive: true });
  return fallback;
}

/** The root package's name (the clone's folder may be called anything, e.g. `main`). */
function repositoryName(): string {
  try {
    const { name } = JSON.parse(readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { name?: unknown };
    if (typeof name === "string" && /^[\w.-]+$/.test(name)) return name;
  } catch {
    // fall through to the folder name
  }
  return path.basename(REPO_ROOT);
}
