import { cpSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { heapOptions, renderElasticsearchYml } from "./elasticsearch-config.ts";
import { chooseElasticsearchRoot } from "./elasticsearch-root.ts";
import { ensureElasticsearchInstall } from "./elasticsearch-install.ts";
import { findJavaHome } from "./java-home.ts";
import { logStack } from "./log.ts";
import type { ServiceDefinition } from "./managed-service.ts";
import { spawnDetached } from "./process-group.ts";
import { elasticsearchIsHealthy } from "./probes.ts";
import { asUser, chownTree, ensureServiceUser, isRoot } from "./service-user.ts";
import type { StackPaths } from "./stack-paths.ts";
import { ELASTICSEARCH_PORT, ELASTICSEARCH_VERSION, LOCAL_HOST } from "./version.ts";

export const LOCAL_ELASTICSEARCH_URL = `http://${LOCAL_HOST}:${ELASTICSEARCH_PORT}`;

/** A first start on two cores, JIT still cold, takes ~20-40 s; this bound only catches hangs. */
const START_TIMEOUT_MS = 240_000;

export function elasticsearchService(paths: StackPaths, env: NodeJS.ProcessEnv): ServiceDefinition {
  // The data and log folders may move to /var/tmp (see chooseElasticsearchRoot); the launcher's
  // console output always stays in the state folder, where people look first.
  const logFile = path.join(paths.run, "elasticsearch.console.log");
  return {
    name: "elasticsearch",
    endpoint: LOCAL_ELASTICSEARCH_URL,
    port: { port: ELASTICSEARCH_PORT, host: LOCAL_HOST, variable: "ELASTICSEARCH_URL", remedy: "set ELASTICSEARCH_URL to use a cluster elsewhere" },
    recordFile: path.join(paths.run, "elasticsearch.json"),
    lockFile: path.join(paths.run, "elasticsearch.lock"),
    logFile,
    startTimeoutMs: START_TIMEOUT_MS,
    isReady: () => elasticsearchIsHealthy(LOCAL_ELASTICSEARCH_URL),
    start: () => startElasticsearch(paths, env, logFile),
  };
}

async function startElasticsearch(paths: StackPaths, env: NodeJS.ProcessEnv, logFile: string) {
  const javaHome = findJavaHome({ env, jvmDir: "/usr/lib/jvm" });
  const user = isRoot() ? ensureServiceUser() : undefined;
  const root = chooseElasticsearchRoot(paths.elasticsearch, user);
  const home = await ensureElasticsearchInstall({ downloadsDir: paths.downloads, installRoot: root, javaHome });

  const dirs = {
    config: path.join(root, "config"),
    data: path.join(root, "data"),
    logs: path.join(root, "logs"),
    tmp: path.join(root, "tmp"),
  };
  // Config lives beside the install, not in it: the install stays pristine and replaceable.
  if (!existsSync(dirs.config)) cpSync(path.join(home, "config"), dirs.config, { recursive: true });
  writeFileSync(
    path.join(dirs.config, "elasticsearch.yml"),
    renderElasticsearchYml({ host: "127.0.0.1", port: ELASTICSEARCH_PORT, dataDir: dirs.data, logsDir: dirs.logs }),
  );
  for (const dir of [dirs.data, dirs.logs, dirs.tmp]) mkdirSync(dir, { recursive: true });
  if (user) chownTree(user, root);

  logStack(`elasticsearch: starting ${ELASTICSEARCH_VERSION} (Java ${javaHome}${user ? `, as user ${user.name}` : ""}, heap ${env.ES_HEAP || "1g"})`);
  const launcher = path.join(home, "bin", "elasticsearch");
  const command = user ? asUser(user, launcher, []) : { command: launcher, args: [] };
  return spawnDetached({
    ...command,
    // A small explicit environment: the launcher must not pick up JAVA_HOME (it warns and
    // ignores it) or whatever a test runner's process happens to carry.
    env: {
      PATH: env.PATH ?? "/usr/bin:/bin",
      LANG: env.LANG ?? "C.UTF-8",
      HOME: root,
      ES_JAVA_HOME: javaHome,
      ES_PATH_CONF: dirs.config,
      ES_TMPDIR: dirs.tmp,
      ES_JAVA_OPTS: [heapOptions(env.ES_HEAP), env.ES_JAVA_OPTS ?? ""].join(" ").trim(),
    },
    // The JVM writes gc.log, heap dumps and hs_err files to its working directory.
    cwd: dirs.logs,
    logFile,
  });
}
