/**
 * A Pub/Sub emulator of one's own, on its own port, for tests that stop, freeze or restart it
 * (the shared one on 8085 serves every other test and must stay up) and for benchmarks (so other
 * traffic does not share its CPU).
 *
 * @example
 * const emulator = await startPrivateEmulator();
 * await emulator.freeze(); // SIGSTOP, and wait until every thread is stopped: nothing answers
 * emulator.thaw();
 * await emulator.restart(); // a real outage: the process dies, topics are gone when it returns
 * await emulator.stop();
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { freePort } from "./free-port.ts";
import { groupIsStopped, livingGroupMembers } from "./proc-stat.ts";
import { spawnDetached, stopProcessGroup, type DetachedProcess } from "./process-group.ts";
import { pubsubEmulatorAnswers } from "./probes.ts";
import { locatePubsubEmulator } from "./pubsub-emulator-locate.ts";

export interface PrivateEmulator {
  /** host:port, the form PUBSUB_EMULATOR_HOST takes. */
  readonly host: string;
  readonly port: number;
  /** Pid of the emulator's process group (launcher script and JVM). */
  readonly pgid: () => number;
  /** Resolves once every thread of the emulator is stopped. */
  freeze(): Promise<void>;
  thaw(): void;
  /** Stops the process and starts a fresh one on the same port (all topics are lost). */
  restart(): Promise<void>;
  kill(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Process groups still running; killed when the calling process exits, whatever happened. */
const runningGroups = new Set<number>();
let exitHookInstalled = false;
function track(pgid: number): void {
  runningGroups.add(pgid);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", () => {
    for (const group of runningGroups) {
      try {
        process.kill(-group, "SIGCONT");
        process.kill(-group, "SIGKILL");
      } catch {
        // already gone
      }
    }
  });
}

const START_ATTEMPTS = 3;
const START_TIMEOUT_MS = 60_000;
const FREEZE_TIMEOUT_MS = 10_000;

class PortTakenError extends Error {}

/**
 * Starts an emulator on `options.port`, or on a free port. A free port may be taken by another
 * process before the JVM binds it: then this emulator exits, and whatever answers on the port is
 * not ours, so it is started again on another port (a port given by the caller is not changed).
 */
export async function startPrivateEmulator(options: { port?: number } = {}): Promise<PrivateEmulator> {
  // Located once: it may ask `gcloud info`, which takes a second or two.
  const launcher = locatePubsubEmulator();
  for (let attempt = 1; ; attempt++) {
    const emulator = privateEmulatorOn(launcher, options.port ?? (await freePort()));
    try {
      await emulator.start();
      return emulator;
    } catch (error) {
      await emulator.stop();
      if (!(error instanceof PortTakenError) || options.port !== undefined || attempt >= START_ATTEMPTS) throw error;
    }
  }
}

function privateEmulatorOn(launcher: string, port: number): PrivateEmulator {
  const host = `127.0.0.1:${port}`;
  const workDir = mkdtempSync(path.join(tmpdir(), "private-emulator-"));
  const logFile = path.join(workDir, "emulator.log");
  let current: DetachedProcess | undefined;
  let frozen = false;

  const signalGroup = (signal: NodeJS.Signals) => {
    if (current) process.kill(-current.record.pid, signal);
  };

  /**
   * The emulator logs the port it bound; an answer on the port before that line is someone else's.
   * When the bind fails the JVM does not exit (its other threads keep it alive): the log says so.
   */
  const startup = (): "listening" | "port-taken" | "starting" => {
    let log: string;
    try {
      log = readFileSync(logFile, "utf8");
    } catch {
      return "starting";
    }
    if (log.includes(`listening on ${port}`)) return "listening";
    return log.includes("BindException") ? "port-taken" : "starting";
  };

  const emulator: PrivateEmulator = {
    host,
    port,
    pgid: () => current?.record.pid ?? -1,
    async freeze() {
      if (!current) throw new Error("the emulator is not running");
      const pgid = current.record.pid;
      signalGroup("SIGSTOP");
      frozen = true;
      const deadline = Date.now() + FREEZE_TIMEOUT_MS;
      while (!groupIsStopped(pgid)) {
        if (Date.now() > deadline) throw new Error(`emulator group ${pgid} not stopped within ${FREEZE_TIMEOUT_MS} ms`);
        await sleep(2);
      }
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
        logFile,
      });
      const pgid = current.record.pid;
      track(pgid);
      const deadline = Date.now() + START_TIMEOUT_MS;
      while (Date.now() < deadline) {
        const state = startup();
        if (state === "listening" && (await pubsubEmulatorAnswers(host, 1_000))) return;
        if (state === "port-taken") throw new PortTakenError(`Pub/Sub emulator could not bind ${host}: the port is taken (see ${logFile})`);
        if (livingGroupMembers(pgid).length === 0) throw new Error(`Pub/Sub emulator on ${host} exited during startup (see ${logFile})`);
        await sleep(200);
      }
      throw new Error(`Pub/Sub emulator on ${host} did not answer within ${START_TIMEOUT_MS} ms (see ${logFile})`);
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
  return emulator;
}
