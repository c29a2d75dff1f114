import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { createServer } from "node:net";

export interface PortHolder {
  pid: number;
  /** The holder's command line, as `ps` would show it. */
  command: string;
}

/** Whether a listener could bind `port` on `host` right now (what the app is about to do). */
export function portIsFree(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/**
 * The process listening on a TCP port, found the way `ss -ltnp` finds it but with no tool: the
 * listening socket's inode from /proc/net/tcp{,6}, then the process holding a descriptor to it.
 * Undefined when nothing listens or the holder is not visible to this user.
 */
export function findPortHolder(port: number): PortHolder | undefined {
  const inodes = new Set(["tcp", "tcp6"].flatMap((table) => listeningInodes(readTable(table), port)));
  if (inodes.size === 0) return undefined;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    if (holdsSocket(entry, inodes)) return { pid: Number(entry), command: commandLine(entry) };
  }
  return undefined;
}

const TCP_LISTEN = "0A";

/** Inodes of the sockets listening on `port` in one /proc/net/tcp-format table (see proc(5)). */
export function listeningInodes(table: string, port: number): string[] {
  const inodes: string[] = [];
  for (const line of table.split("\n").slice(1)) {
    const fields = line.trim().split(/\s+/);
    // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
    const [, local, , state, , , , , , inode] = fields;
    if (state !== TCP_LISTEN || local === undefined || inode === undefined) continue;
    if (Number.parseInt(local.slice(local.lastIndexOf(":") + 1), 16) === port) inodes.push(inode);
  }
  return inodes;
}

function readTable(name: string): string {
  try {
    return readFileSync(`/proc/net/${name}`, "utf8");
  } catch {
    return "";
  }
}

function holdsSocket(pid: string, inodes: ReadonlySet<string>): boolean {
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return false; // gone, or another user's
  }
  for (const fd of fds) {
    try {
      const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      if (target.startsWith("socket:[") && inodes.has(target.slice(8, -1))) return true;
    } catch {
      // closed meanwhile
    }
  }
  return false;
}

function commandLine(pid: string): string {
  try {
    const args = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
    if (args.length > 0) return args.join(" ");
    return readFileSync(`/proc/${pid}/comm`, "utf8").trim();
  } catch {
    return "?";
  }
}
