/**
 * The real local services behind the integration tests and `npm start`: the Elasticsearch test
 * distribution (from Maven Central, run as a non-root user) and the Google Pub/Sub emulator,
 * both on 127.0.0.1, with their state in the git-ignored `.stack/` folder.
 */
export { ensureStack, stopStackIfUnused, type LocalStack } from "./stack.ts";
export { ELASTICSEARCH_ARTIFACT, ELASTICSEARCH_VERSION, ELASTICSEARCH_PORT, PUBSUB_EMULATOR_PORT } from "./version.ts";
export { LOCAL_ELASTICSEARCH_URL } from "./elasticsearch.ts";
export { LOCAL_PUBSUB_EMULATOR_HOST } from "./pubsub-emulator.ts";
export { REPO_ROOT, stackDir } from "./stack-paths.ts";
export { elasticsearchIsHealthy, pubsubEmulatorAnswers } from "./probes.ts";
// Process supervision shared with the repository scripts (npm start / stop / test).
export { spawnDetached, stopProcessGroup, type DetachedProcess, type StopOutcome } from "./process-group.ts";
export { isAlive, readRecordFile, recordOf, removeRecordFile, writeRecordFile, type ProcessRecord } from "./process-record.ts";
export { livingGroupMembers } from "./proc-stat.ts";
export { portIsFree } from "./port-holder.ts";
export { firstTakenPort, type WantedPort } from "./taken-port.ts";
export {
  claimStartRecord,
  readStartRecord,
  removeStartRecord,
  runningStackSettings,
  startRecordFile,
  stopLeftApps,
  updateStartRecord,
  type LeftApp,
  type StartRecord,
} from "./start-record.ts";
// Test and benchmark helpers: a free port, and an emulator of one's own to stop, freeze or restart.
export { freePort } from "./free-port.ts";
export { startPrivateEmulator, type PrivateEmulator } from "./private-emulator.ts";
