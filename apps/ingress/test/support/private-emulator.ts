/**
 * A Pub/Sub emulator of one's own, on its own port, for tests that stop, freeze or restart it
 * (the shared one on 8085 serves every other test and must stay up) and for the benchmark (so other
 * tests' traffic does not share its CPU).
 *
 * @example
 * const emulator = await startPrivateEmulator();
 * emulator.freeze();   // SIGSTOP: connections stay open, nothing answers
 * emulator.thaw();
 * await emulator.restart(); // a real outage: the process dies, topics are gone when it returns
 * await emulator.stop();
 */
import { execFileSync } from "node:child_process";
import { accessSync, constants, mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { pubsubEmulatorAnswers, spawnDetached, stopProcessGroup, type DetachedProcess } from "@periskope-pipeline/local-stack";

const LAUNCHER = path.join("platform", "pubsub-emulator", "bin", "cloud-pubsub-emulator");
const SDK_ROOTS = ["/usr/lib/google-cloud-sdk", "/usr/share/google-cloud-sdk", "/opt/google-cloud-sdk", path.join(process.env.HOME ?? "/root", "google-cloud-sdk")];

export interface PrivateEmulator {
  /** host:port, the form PUBSUB_EMULATOR_HOST takes. */
  readonly host: string;
  readonly port: number;
  /** Pid of the emulator's process group (launcher script and JVM). */
  readonly pgid: () => number;
  freeze(): void;
  thaw(): void;
  /** Stops the process and starts a fresh one on the same port (all topics are lost). */
  restart(): Promise<void>;
  kill(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function locateEmulator(): string {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    const candidate = path.join(dir, "cloud-pubsub-emulator");
    if (dir && isExecutable(candidate)) return candidate;
  }
  for (const root of SDK_ROOTS) if (isExecutable(path.join(root, LAUNCHER))) return path.join(root, LAUNCHER);
  const sdkRoot = execFileSync("gcloud", ["info", "--format=value(installation.sdk_root)"], { encoding: "utf8", timeout: 30_000 }).trim();
  if (sdkRoot && isExecutable(path.join(sdkRoot, LAUNCHER))) return path.join(sdkRoot, LAUNCHER);
  throw new Error("cloud-pubsub-emulator not found (install the Google Cloud CLI Pub/Sub emulator component)");
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${what} within ${timeoutMs} ms`);
}

/** Process groups still running; killed when the test process exits, whatever happened in the tests. */
const runningGroups = new Set<number>();
process.once("exit", () => {
  for (const pgid of runningGroups) {
    try {
      process.kill(-pgid, "SIGCONT");
      process.kill(-pgid, "SIGKILL");
    } catch {
      // already gone
    }
  }
});

export async function startPrivateEmulator(): Promise<PrivateEmulator> {
  const launcher = locateEmulator();
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const workDir = mkdtempSync(path.join(tmpdir(), "ingress-emulator-"));
  let current: DetachedProcess | undefined;
  let frozen = false;

  const signalGroup = (signal: NodeJS.Signals) => {
    if (current) process.kill(-current.record.pid, signal);
  };

  const emulator: PrivateEmulator = {
    host,
    port,
    pgid: () => current?.record.pid ?? -1,
    freeze() {
      signalGroup("SIGSTOP");
      frozen = true;
    },
    thaw() {
      signalGroup("SIGCONT");
      frozen = false;
    },
    async start() {
      current = spawnDetached({
        command: launcher,
        args: [`--host=127.0.0.1`, `--port=${port}`],
        env: { ...process.env, METADATA_SERVER_DETECTION: "none" },
        cwd: workDir,
        logFile: path.join(workDir, "emulator.log"),
      });
      runningGroups.add(current.record.pid);
      await waitUntil(() => pubsubEmulatorAnswers(host, 1_000), 60_000, `Pub/Sub emulator on ${host} did not answer`);
    },
    async kill() {
      if (!current) return;
      if (frozen) emulator.thaw();
      await stopProcessGroup(current.record.pid, 5_000);
      runningGroups.delete(current.record.pid);
      current = undefined;
    },
    async restart() {
      await emulator.kill();
      await emulator.start();
    },
    stop: () => emulator.kill(),
  };
  await emulator.start();
  return emulator;
}
