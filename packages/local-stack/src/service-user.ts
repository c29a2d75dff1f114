import { execFileSync, spawnSync } from "node:child_process";
import { logStack } from "./log.ts";

/**
 * Elasticsearch refuses to run as root. When the stack itself runs as root (CI, fresh
 * machines), it runs Elasticsearch as this unprivileged system user instead.
 */
export const SERVICE_USER = "periskope-es";

export interface ServiceUser {
  name: string;
  uid: number;
  gid: number;
}

export function isRoot(): boolean {
  return process.getuid?.() === 0;
}

/** Looks the user up, creating it (system account, no home, no login shell) when missing. */
export function ensureServiceUser(name: string = SERVICE_USER): ServiceUser {
  let found = lookup(name);
  if (!found) {
    logStack(`creating system user ${name} to run Elasticsearch (it refuses to run as root)`);
    execFileSync("useradd", ["--system", "--user-group", "--no-create-home", "--shell", "/usr/sbin/nologin", name], {
      stdio: ["ignore", "ignore", "inherit"],
    });
    found = lookup(name);
  }
  if (!found) throw new Error(`could not create system user ${name}`);
  return found;
}

function lookup(name: string): ServiceUser | undefined {
  const uid = spawnSync("id", ["-u", name], { encoding: "utf8" });
  const gid = spawnSync("id", ["-g", name], { encoding: "utf8" });
  if (uid.status !== 0 || gid.status !== 0) return undefined;
  return { name, uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/**
 * The command prefix that drops to the user. setpriv execs in place (no lingering parent that
 * could swallow signals), so the spawned pid is the service's own launcher.
 */
export function asUser(user: ServiceUser, command: string, args: readonly string[]): { command: string; args: string[] } {
  return { command: "setpriv", args: [`--reuid=${user.uid}`, `--regid=${user.gid}`, "--init-groups", "--", command, ...args] };
}

/**
 * Asks the kernel, as the user, whether it can traverse every folder down to `dir`. A real check
 * rather than mode arithmetic, so ACLs, groups and restrictive parents (/root is 0700) count.
 */
export function userCanReach(user: ServiceUser, dir: string): boolean {
  const check = asUser(user, "test", ["-d", dir, "-a", "-x", dir]);
  return spawnSync(check.command, check.args, { stdio: "ignore" }).status === 0;
}

export function chownTree(user: ServiceUser, ...paths: string[]): void {
  execFileSync("chown", ["-R", `${user.uid}:${user.gid}`, ...paths], { stdio: ["ignore", "ignore", "inherit"] });
}
