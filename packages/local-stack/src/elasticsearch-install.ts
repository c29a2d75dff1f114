import { chmodSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import path from "node:path";
import { findOnPath, runCommand } from "./command.ts";
import { logStack } from "./log.ts";
import { ELASTICSEARCH_ARTIFACT, ELASTICSEARCH_VERSION } from "./version.ts";

export interface InstallLocations {
  /** Where Maven copies the zip (root-owned; only the unpacked tree is handed to the service user). */
  downloadsDir: string;
  /** Where the distribution is unpacked, as `elasticsearch-<version>/`. */
  installRoot: string;
  /** A JDK, for `jar xf` when `unzip` is missing. */
  javaHome: string;
}

/**
 * Makes sure the pinned test distribution is unpacked and returns its home folder.
 * The zip comes from Maven Central through `mvn dependency:copy`, so Maven's ~/.m2 cache makes
 * every later fresh checkout free; the unpack goes to a temp folder first and is renamed into
 * place, so an interrupted first run never leaves a half-installed Elasticsearch behind.
 */
export async function ensureElasticsearchInstall(locations: InstallLocations): Promise<string> {
  const home = path.join(locations.installRoot, `elasticsearch-${ELASTICSEARCH_VERSION}`);
  if (existsSync(path.join(home, "bin", "elasticsearch"))) return home;

  const zip = path.join(locations.downloadsDir, `elasticsearch-${ELASTICSEARCH_VERSION}.zip`);
  if (!existsSync(zip)) await download(locations.downloadsDir);

  logStack(`unpacking Elasticsearch ${ELASTICSEARCH_VERSION}`);
  const staging = path.join(locations.installRoot, `.unpack-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  try {
    await unpack(zip, staging, locations.javaHome);
    renameSync(path.join(staging, `elasticsearch-${ELASTICSEARCH_VERSION}`), home);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return home;
}

async function download(downloadsDir: string): Promise<void> {
  const mvn = findOnPath("mvn");
  if (!mvn) throw new Error("Maven (mvn) is needed to fetch Elasticsearch from Maven Central: apt-get install maven");
  logStack(`fetching ${ELASTICSEARCH_ARTIFACT} with Maven (first run only; cached in ~/.m2)`);
  mkdirSync(downloadsDir, { recursive: true });
  await runCommand(mvn, [
    "-B",
    "-q",
    "-Dstyle.color=never",
    "dependency:copy",
    `-Dartifact=${ELASTICSEARCH_ARTIFACT}`,
    `-DoutputDirectory=${downloadsDir}`,
  ]);
}

async function unpack(zip: string, into: string, javaHome: string): Promise<void> {
  const unzip = findOnPath("unzip");
  if (unzip) {
    await runCommand(unzip, ["-q", zip, "-d", into]);
    return;
  }
  // Every JDK ships `jar`, which reads zips but drops the executable bits: restore them on the
  // launcher scripts, the only files Elasticsearch executes (its JVM is the external JDK).
  await runCommand(path.join(javaHome, "bin", "jar"), ["xf", zip], { cwd: into });
  const bin = path.join(into, `elasticsearch-${ELASTICSEARCH_VERSION}`, "bin");
  for (const file of readdirSync(bin)) chmodSync(path.join(bin, file), 0o755);
}
