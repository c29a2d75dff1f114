/**
 * A private Elasticsearch node for a test that stops and restarts it (the shared one must never be
 * stopped under other test files). It runs the distribution the local stack already unpacked, with
 * its own config, data and logs under /var/tmp and its own ports, as the stack's unprivileged
 * service user when the caller is root (Elasticsearch refuses root).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import { ELASTICSEARCH_VERSION, elasticsearchIsHealthy, spawnDetached, stackDir, stopProcessGroup } from "@periskope-pipeline/local-stack";
import { waitFor } from "./wait.ts";

const SERVICE_USER = "periskope-es";

export interface OwnElasticsearch {
  readonly url: string;
  /** Starts the node (again) and waits until it is healthy. */
  start(): Promise<void>;
  /** Stops the node gracefully (SIGTERM to its process group); its data stays. */
  stop(): Promise<void>;
  /** Stops it and removes its folder. */
  destroy(): Promise<void>;
  /** Its process group while it runs (launcher and JVM). */
  pgid(): number | undefined;
}

export function createOwnElasticsearch(options: { httpPort: number; transportPort: number; heap?: string }): OwnElasticsearch {
  const home = findInstall();
  const javaHome = findJava();
  const root = mkdtempSync("/var/tmp/worker-test-es-");
  const dirs = { config: path.join(root, "config"), data: path.join(root, "data"), logs: path.join(root, "logs"), tmp: path.join(root, "tmp") };
  cpSync(path.join(home, "config"), dirs.config, { recursive: true });
  for (const dir of [dirs.data, dirs.logs, dirs.tmp]) mkdirSync(dir, { recursive: true });
  const settings: Record<string, string> = {
    "cluster.name": "worker-outage-test",
    "node.name": "outage",
    "network.host": "127.0.0.1",
    "http.port": String(options.httpPort),
    "transport.port": String(options.transportPort),
    "discovery.type": "single-node",
    "path.data": dirs.data,
    "path.logs": dirs.logs,
    "cluster.routing.allocation.disk.threshold_enabled": "false",
    "xpack.security.enabled": "false",
  };
  writeFileSync(path.join(dirs.config, "elasticsearch.yml"), Object.entries(settings).map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join("\n") + "\n");
  const runAs = process.getuid?.() === 0 ? serviceUser() : undefined;
  if (runAs) execFileSync("chown", ["-R", `${runAs.uid}:${runAs.gid}`, root]);

  const url = `http://127.0.0.1:${options.httpPort}`;
  let pgid: number | undefined;
  const heap = options.heap ?? "512m";

  return {
    url,
    async start() {
      const launcher = path.join(home, "bin", "elasticsearch");
      const command = runAs
        ? { command: "setpriv", args: [`--reuid=${runAs.uid}`, `--regid=${runAs.gid}`, "--init-groups", "--", launcher] }
        : { command: launcher, args: [] };
      const started = spawnDetached({
        ...command,
        env: { PATH: process.env.PATH ?? "/usr/bin:/bin", LANG: "C.UTF-8", HOME: root, ES_JAVA_HOME: javaHome, ES_PATH_CONF: dirs.config, ES_TMPDIR: dirs.tmp, ES_JAVA_OPTS: `-Xms${heap} -Xmx${heap}` },
        cwd: dirs.logs,
        logFile: path.join(root, "console.log"),
      });
      pgid = started.record.pid;
      await waitFor(`own Elasticsearch on ${url}`, async () => elasticsearchIsHealthy(url), 180_000, 500).catch((error) => {
        throw new Error(`${(error as Error).message}\n${tail(path.join(root, "console.log"))}`);
      });
    },
    async stop() {
      if (pgid !== undefined) await stopProcessGroup(pgid, 30_000);
      pgid = undefined;
    },
    pgid: () => pgid,
    async destroy() {
      if (pgid !== undefined) await stopProcessGroup(pgid, 30_000);
      pgid = undefined;
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** The distribution the local stack unpacked (in its state folder, or its /var/tmp fallback). */
function findInstall(): string {
  const name = `elasticsearch-${ELASTICSEARCH_VERSION}`;
  const candidates = [path.join(stackDir(), "elasticsearch", name)];
  for (const entry of safeList("/var/tmp")) candidates.push(path.join("/var/tmp", entry, "elasticsearch", name));
  const found = candidates.find((dir) => existsSync(path.join(dir, "bin", "elasticsearch")));
  if (!found) throw new Error(`no unpacked ${name} found (tried ${candidates.join(", ")}); the int global setup installs it on first run`);
  return found;
}

function findJava(): string {
  for (const home of [process.env.ES_JAVA_HOME, process.env.JAVA_HOME, ...safeList("/usr/lib/jvm").map((e) => path.join("/usr/lib/jvm", e))]) {
    if (!home || !existsSync(path.join(home, "bin", "java"))) continue;
    const release = existsSync(path.join(home, "release")) ? readFileSync(path.join(home, "release"), "utf8") : "";
    const major = Number(/^JAVA_VERSION="?(\d+)/m.exec(release)?.[1]);
    if (major >= 21) return home;
  }
  throw new Error("no JDK >= 21 found for the test's own Elasticsearch");
}

function serviceUser(): { uid: number; gid: number } {
  const id = (flag: string) => spawnSync("id", [flag, SERVICE_USER], { encoding: "utf8" });
  if (id("-u").status !== 0) execFileSync("useradd", ["--system", "--user-group", "--no-create-home", "--shell", "/usr/sbin/nologin", SERVICE_USER]);
  return { uid: Number(id("-u").stdout.trim()), gid: Number(id("-g").stdout.trim()) };
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function tail(file: string): string {
  try {
    return readFileSync(file, "utf8").split("\n").slice(-30).join("\n");
  } catch {
    return "";
  }
}
