import { acquireLease } from "./leases.ts";
import { logStack } from "./log.ts";
import { elasticsearchService } from "./elasticsearch.ts";
import { ensureService, stopServiceIfUnused, type ServiceDefinition, type ServiceInUse } from "./managed-service.ts";
import { pubsubEmulatorAnswers } from "./probes.ts";
import { pubsubEmulatorService } from "./pubsub-emulator.ts";
import { ensureReaper } from "./reaper.ts";
import { stackDir, stackPaths, type StackPaths } from "./stack-paths.ts";
import { waitUntil } from "./wait-until.ts";

export interface LocalStack {
  /** e.g. http://127.0.0.1:9200 */
  elasticsearchUrl: string;
  /** host:port, the form PUBSUB_EMULATOR_HOST takes, e.g. 127.0.0.1:8085 */
  pubsubEmulatorHost: string;
  /** Releases this process's use of the stack; stops the services only if the stack started them and nobody else uses them. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Makes Elasticsearch and the Pub/Sub emulator available, in parallel:
 * - `ELASTICSEARCH_URL` / `PUBSUB_EMULATOR_HOST` set: those are used as given and never stopped;
 * - else an instance already answering on 127.0.0.1 is reused (and left running);
 * - else the stack starts one, with its state under the git-ignored `.stack/` folder.
 *
 * @example
 * const stack = await ensureStack();
 * try { await runTests(stack.elasticsearchUrl, stack.pubsubEmulatorHost); } finally { await stack.stop(); }
 */
export async function ensureStack(env: NodeJS.ProcessEnv = process.env): Promise<LocalStack> {
  const paths = stackPaths(stackDir(env));
  // Taken before anything is checked, so no concurrent `stop()` can pull a service from under us.
  const lease = acquireLease(paths.leases);
  const stop = async () => {
    lease.release();
    await stopStackIfUnused(env);
  };
  const [elasticsearch, pubsub] = await Promise.allSettled([
    useElasticsearch(paths, env),
    usePubsubEmulator(paths, env),
  ]);
  if (elasticsearch.status === "rejected" || pubsub.status === "rejected") {
    await stop();
    const failure = elasticsearch.status === "rejected" ? elasticsearch.reason : (pubsub as PromiseRejectedResult).reason;
    throw failure;
  }
  return { elasticsearchUrl: elasticsearch.value.endpoint, pubsubEmulatorHost: pubsub.value.endpoint, stop };
}

async function useElasticsearch(paths: StackPaths, env: NodeJS.ProcessEnv): Promise<ServiceInUse> {
  const given = env.ELASTICSEARCH_URL;
  if (given) {
    // Not probed: a given cluster may need credentials that only the apps' clients carry.
    logStack(`elasticsearch: using ELASTICSEARCH_URL=${given}`);
    return { endpoint: given, managed: false };
  }
  return ensureService(reaped(elasticsearchService(paths, env), paths));
}

async function usePubsubEmulator(paths: StackPaths, env: NodeJS.ProcessEnv): Promise<ServiceInUse> {
  const given = env.PUBSUB_EMULATOR_HOST;
  if (given) {
    await waitUntil(`PUBSUB_EMULATOR_HOST=${given} does not answer`, () => pubsubEmulatorAnswers(given), { timeoutMs: 30_000 });
    logStack(`pubsub-emulator: using PUBSUB_EMULATOR_HOST=${given}`);
    return { endpoint: given, managed: false };
  }
  return ensureService(reaped(pubsubEmulatorService(paths, env), paths));
}

/** A service whose start first makes sure a reaper will stop it once its last user is gone. */
function reaped(service: ServiceDefinition, paths: StackPaths): ServiceDefinition {
  return {
    ...service,
    start: async () => {
      await ensureReaper(paths);
      return service.start();
    },
  };
}

/**
 * Stops the services the stack started when no living process uses the stack any more.
 * Safe to call at any time: `npm test` calls it after vitest exits (covering a run killed before
 * its teardown), and `npm run stop` calls it to clear leftovers of crashed runs.
 * Returns the names of the services it stopped.
 */
export async function stopStackIfUnused(env: NodeJS.ProcessEnv = process.env): Promise<string[]> {
  const paths = stackPaths(stackDir(env));
  const services: ServiceDefinition[] = [elasticsearchService(paths, env), pubsubEmulatorService(paths, env)];
  const stopped = await Promise.all(services.map((service) => stopServiceIfUnused(service, paths.leases)));
  return services.filter((_, index) => stopped[index]).map((service) => service.name);
}
