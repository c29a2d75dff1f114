import { existsSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";

/** Elasticsearch 9 runs on Java 21 or newer; the test distribution bundles no JDK. */
export const MIN_JAVA_MAJOR = 21;

export class JavaNotFoundError extends Error {
  override readonly name = "JavaNotFoundError";
}

/** Reads the major version from a JDK's `release` file (`JAVA_VERSION="25.0.3"`, `"1.8.0_392"`). */
export function parseJavaMajor(releaseText: string): number | undefined {
  const match = /^JAVA_VERSION="?([0-9._]+)/m.exec(releaseText);
  if (!match?.[1]) return undefined;
  const parts = match[1].split(/[._]/).map(Number);
  const major = parts[0] === 1 ? parts[1] : parts[0];
  return major !== undefined && Number.isInteger(major) ? major : undefined;
}

export function javaMajorOf(home: string): number | undefined {
  try {
    if (!existsSync(path.join(home, "bin", "java"))) return undefined;
    return parseJavaMajor(readFileSync(path.join(home, "release"), "utf8"));
  } catch {
    return undefined;
  }
}

export interface JavaHomeSources {
  env: NodeJS.ProcessEnv;
  /** Folder whose sub-folders are JDKs; Debian and most images use /usr/lib/jvm. */
  jvmDir: string;
}

/**
 * Finds a JDK new enough for Elasticsearch: ES_JAVA_HOME, then JAVA_HOME, then the newest one
 * installed under the JVM folder. Nothing is hard-coded, so machines with another vendor's or
 * version's JDK work as long as one is >= 21.
 */
export function findJavaHome(sources: JavaHomeSources = { env: process.env, jvmDir: "/usr/lib/jvm" }): string {
  const tried: string[] = [];
  for (const name of ["ES_JAVA_HOME", "JAVA_HOME"] as const) {
    const home = sources.env[name];
    if (!home) continue;
    const major = javaMajorOf(home);
    if (major !== undefined && major >= MIN_JAVA_MAJOR) return home;
    tried.push(`${name}=${home} (Java ${major ?? "unknown"})`);
  }
  const installed = listJdks(sources.jvmDir).sort((a, b) => b.major - a.major);
  const best = installed[0];
  if (best && best.major >= MIN_JAVA_MAJOR) return best.home;
  tried.push(...installed.map((jdk) => `${jdk.home} (Java ${jdk.major})`));
  throw new JavaNotFoundError(
    `Elasticsearch needs Java >= ${MIN_JAVA_MAJOR}; none found. Tried: ${tried.join(", ") || `nothing under ${sources.jvmDir}`}. ` +
      "Set ES_JAVA_HOME to a JDK 21+.",
  );
}

function listJdks(jvmDir: string): Array<{ home: string; major: number }> {
  let entries: string[];
  try {
    entries = readdirSync(jvmDir);
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    const home = path.join(jvmDir, entry);
    const major = javaMajorOf(home);
    return major === undefined ? [] : [{ home, major }];
  });
}
