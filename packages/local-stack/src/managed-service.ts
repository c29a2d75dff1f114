import { withFileLock } from "./file-lock.ts";
import { liveLeaseCount } from "./leases.ts";
import { logStack } from "./log.ts";
import { logTail } from "./log-tail.ts";
import { stopProcessGroup, type DetachedProcess } from "./process-group.ts";
import { isAlive, readRecordFile, removeRecordFile, writeRecordFile } from "./process-record.ts";
import { firstTakenPort, type WantedPort } from "./taken-port.ts";
import { waitUntil } from "./wait-until.ts";

/** A local service the stack can start, find again across processes, and stop. */
export interface ServiceDefinition {
  name: string;
  /** URL or host:port handed to clients. */
  endpoint: string;
  /** The port it listens on, checked before a start so a foreign holder is named in one line. */
  port: WantedPort;
  /** JSON record of the process the stack started (pid + start time). */
  recordFile: string;
  lockFile: string;
  logFile: string;
  startTimeoutMs: number;
  isReady(): Promise<boolean>;
  start(): Promise<DetachedProcess>;
}

export interface ServiceInUse {
  endpoint: string;
  /** True when the stack runs this process (now or from an earlier run) and may stop it. */
  managed: boolean;
}

/**
 * Returns a ready instance: the one the stack already runs, else whatever already answers on
 * the endpoint (never stopped by the stack), else a freshly started one. Runs under the
 * service's lock, so concurrent test runs never start twins.
 */
export function ensureService(service: ServiceDefinition): Promise<ServiceInUse> {
  return withFileLock(service.lockFile, async () => {
    const record = readRecordFile(service.recordFile);
    if (record && isAlive(record)) {
      try {
        await waitUntil(`${service.name} (pid ${record.pid})`, () => service.isReady(), {
          timeoutMs: service.startTimeoutMs,
          giveUp: () => (isAlive(record) ? undefined : "exited"),
        });
        logStack(`${service.name}: reusing the instance the stack started (pid ${record.pid}) at ${service.endpoint}`);
        return { endpoint: service.endpoint, managed: true };
      } catch (error) {
        logStack(`${service.name}: restarting pid ${record.pid}, which is not healthy (${(error as Error).message})`);
        await stopProcessGroup(record.pid);
      }
    }
    removeRecordFile(service.recordFile);

    if (await service.isReady()) {
      logStack(`${service.name}: reusing the instance already answering at ${service.endpoint} (left running afterwards)`);
      return { endpoint: service.endpoint, managed: false };
    }
    return { endpoint: service.endpoint, managed: await startAndWait(service) };
  });
}

async function startAndWait(service: ServiceDefinition): Promise<true> {
  const taken = await firstTakenPort([service.port]);
  if (taken) throw new Error(taken);
  const started = Date.now();
  const { child, record } = await service.start();
  writeRecordFile(service.recordFile, { ...record, endpoint: service.endpoint });
  let exit: string | undefined;
  child.once("exit", (code, signal) => {
    exit = signal ?? `code ${code}`;
  });
  try {
    await waitUntil(`${service.name} did not start`, () => service.isReady(), {
      timeoutMs: service.startTimeoutMs,
      giveUp: () => (exit === undefined ? undefined : `exited (${exit})`),
    });
  } catch (error) {
    await stopProcessGroup(record.pid);
    removeRecordFile(service.recordFile);
    throw new Error(`${(error as Error).message}; last lines of ${service.logFile}:\n${logTail(service.logFile)}`);
  }
  logStack(`${service.name}: ready at ${service.endpoint} in ${((Date.now() - started) / 1000).toFixed(1)}s (pid ${record.pid})`);
  return true;
}

/**
 * Stops the service the stack started, unless a living process still holds a lease on the
 * stack. Instances the stack did not start are never touched. True when it stopped a process.
 */
export function stopServiceIfUnused(service: Pick<ServiceDefinition, "name" | "recordFile" | "lockFile">, leasesDir: string): Promise<boolean> {
  return withFileLock(service.lockFile, async () => {
    const record = readRecordFile(service.recordFile);
    if (!record) return false;
    if (liveLeaseCount(leasesDir) > 0) return false;
    let stopped = false;
    if (isAlive(record)) {
      const outcome = await stopProcessGroup(record.pid);
      logStack(`${service.name}: ${outcome} (pid ${record.pid})`);
      stopped = outcome !== "not-running";
    }
    removeRecordFile(service.recordFile);
    return stopped;
  });
}
