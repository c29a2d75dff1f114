/**
 * vitest global setup of the `int` project (see vitest.config.ts): makes the real services
 * available before any test file loads, and hands their addresses to the test workers through
 * the environment (workers are forked after this runs and inherit it), so integration tests
 * read the same variables the apps read: ELASTICSEARCH_URL, PUBSUB_EMULATOR_HOST,
 * PUBSUB_PROJECT_ID. Teardown releases the stack; it stops only what the stack started and
 * nobody else still uses.
 */
import { ensureStack } from "@periskope-pipeline/local-stack";

export default async function setup(): Promise<() => Promise<void>> {
  const stack = await ensureStack();
  process.env.ELASTICSEARCH_URL = stack.elasticsearchUrl;
  process.env.PUBSUB_EMULATOR_HOST = stack.pubsubEmulatorHost;
  // The emulator accepts any project id; tests should still pick their own per file.
  process.env.PUBSUB_PROJECT_ID ||= "periskope-local";
  // Google client libraries otherwise probe the GCE metadata server before their first call.
  process.env.METADATA_SERVER_DETECTION = "none";
  return () => stack.stop();
}
