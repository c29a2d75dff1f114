/**
 * What the ops CLI reads from the environment: where Elasticsearch (run records) and Pub/Sub (the
 * commands topic) are — the same settings, names and defaults as the worker's.
 */
import { elasticsearchSettings, pubsubSettings } from "@periskope-pipeline/config";
import { z } from "zod";

export const opsConfigSchema = z.object({ ...elasticsearchSettings, ...pubsubSettings });

export type OpsConfig = z.output<typeof opsConfigSchema>;

/**
 * Fills the settings the environment leaves unset from the `npm start` running in this checkout
 * (it records its emulator, project, Elasticsearch URL, topic and index names in its state
 * folder), so the README's commands work from any shell. Returns that start's pid, or undefined
 * when none runs. Only a checkout has a local stack: in the images the package is absent.
 */
export async function useRunningLocalStack(env: NodeJS.ProcessEnv): Promise<number | undefined> {
  let localStack: typeof import("@periskope-pipeline/local-stack");
  try {
    localStack = await import("@periskope-pipeline/local-stack");
  } catch {
    return undefined;
  }
  const running = localStack.runningStackSettings(env);
  if (!running) return undefined;
  for (const [name, value] of Object.entries(running.settings)) env[name] ||= value;
  return running.pid;
}

/**
 * Off Google Cloud, with no emulator and no credentials, Google's auth library would probe the
 * cloud metadata address before failing. `bios-only` is the library's own check without network:
 * it uses the metadata server only where the machine says it is on Google Cloud (GCE BIOS vendor,
 * Cloud Run's variables), so a GKE pod still authenticates through it. An explicit setting wins.
 */
export function noMetadataProbeOffCloud(env: NodeJS.ProcessEnv): void {
  env.METADATA_SERVER_DETECTION ||= "bios-only";
}
