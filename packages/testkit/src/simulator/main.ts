/**
 * Periskope simulator process: `npx node packages/testkit/src/simulator/main.ts`.
 *
 * Settings: SIMULATOR_PORT (4010), SIMULATOR_HOST (127.0.0.1), SIMULATOR_CHATS (500),
 * SIMULATOR_PHONES (two phones), SIMULATOR_API_KEY (unset: any key), SIMULATOR_SEED (42),
 * SIMULATOR_FAULTS (JSON). Prints one JSON line with `url` (the API base incl. `/v1`) once it
 * listens; steer it at runtime through `/__control`. SIGTERM/SIGINT close it gracefully.
 */
import { readSimulatorConfig } from "./main-config.ts";
import { startSimulator } from "./start.ts";

const SHUTDOWN_GRACE_MS = 5000;

function log(event: string, fields: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ level: "info", time: new Date().toISOString(), service: "periskope-simulator", event, ...fields })}\n`);
}

let config;
try {
  config = readSimulatorConfig(process.env);
} catch (err) {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(2);
}

const started = performance.now();
const sim = await startSimulator(config);
log("SimulatorListening", {
  url: sim.url,
  control: `${sim.origin}/__control`,
  chats: config.chats,
  phones: sim.phones,
  org_id: sim.orgId,
  api_key_required: config.apiKey !== undefined,
  startup_ms: Math.round(performance.now() - started),
});

let stopping = false;
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    log("SimulatorStopping", { signal, stats: { requests: sim.stats().requests } });
    sim.close({ graceMs: SHUTDOWN_GRACE_MS }).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
