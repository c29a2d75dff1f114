import { createHash } from "node:crypto";
import { mkdirSync } from "node:fs";
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
  const fallback = path.join("/var/tmp", `${path.basename(REPO_ROOT)}-${hash}`, "elasticsearch");
  logStack(`user ${user.name} cannot reach ${preferred} (a parent folder is private); using ${fallback} instead`);
  mkdirSync(fallback, { recursive: true });
  return fallback;
}
