import path from "node:path";
import { logStack } from "./log.ts";
import type { ServiceDefinition } from "./managed-service.ts";
import { spawnDetached } from "./process-group.ts";
import { pubsubEmulatorAnswers } from "./probes.ts";
import { locatePubsubEmulator } from "./pubsub-emulator-locate.ts";
import type { StackPaths } from "./stack-paths.ts";
import { LOCAL_HOST, PUBSUB_EMULATOR_PORT } from "./version.ts";

export const LOCAL_PUBSUB_EMULATOR_HOST = `${LOCAL_HOST}:${PUBSUB_EMULATOR_PORT}`;

export function pubsubEmulatorService(paths: StackPaths, env: NodeJS.ProcessEnv): ServiceDefinition {
  const logFile = path.join(paths.pubsub, "emulator.log");
  return {
    name: "pubsub-emulator",
    endpoint: LOCAL_PUBSUB_EMULATOR_HOST,
    port: { port: PUBSUB_EMULATOR_PORT, host: LOCAL_HOST, variable: "PUBSUB_EMULATOR_HOST", remedy: "set PUBSUB_EMULATOR_HOST to use an emulator elsewhere" },
    recordFile: path.join(paths.run, "pubsub-emulator.json"),
    lockFile: path.join(paths.run, "pubsub-emulator.lock"),
    logFile,
    startTimeoutMs: 60_000,
    isReady: () => pubsubEmulatorAnswers(LOCAL_PUBSUB_EMULATOR_HOST),
    start: async () => {
      const launcher = locatePubsubEmulator();
      logStack(`pubsub-emulator: starting ${launcher}`);
      return spawnDetached({
        command: launcher,
        args: [`--host=${LOCAL_HOST}`, `--port=${PUBSUB_EMULATOR_PORT}`],
        // The emulator keeps topics in memory; its folder holds its log and working files.
        // No metadata-server probing: there is no GCP here, and the probe only adds delay.
        env: { ...env, METADATA_SERVER_DETECTION: "none" },
        cwd: paths.pubsub,
        logFile,
      });
    },
  };
}
