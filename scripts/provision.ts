import { elasticsearchSettings, pubsubSettings } from "@periskope-pipeline/config";
import { createElasticsearchClient, indexNamesFromEnv, installTemplates } from "@periskope-pipeline/elasticsearch";
import { createPubSub, ensureTopology, topologyNamesFromEnv } from "@periskope-pipeline/pubsub";

type Setting = { parse(value: unknown): unknown };
type Parsed<G extends Record<string, Setting>> = { [K in keyof G]: ReturnType<G[K]["parse"]> };

/** Reads one settings group with the shared schema, so names and defaults come from one place. */
function read<G extends Record<string, Setting>>(group: G, env: NodeJS.ProcessEnv): Parsed<G> {
  return Object.fromEntries(Object.entries(group).map(([name, setting]) => [name, setting.parse(env[name])])) as Parsed<G>;
}

/**
 * Creates what the apps expect to exist: the Pub/Sub topics and subscriptions (with their
 * dead-letter and retry policies) and the Elasticsearch index templates. Idempotent.
 */
export async function provisionLocal(env: NodeJS.ProcessEnv): Promise<{ topics: number; subscriptions: number }> {
  const pubsubEnv = read(pubsubSettings, env);
  const esEnv = read(elasticsearchSettings, env);
  const pubsub = createPubSub({ projectId: pubsubEnv.PUBSUB_PROJECT_ID, emulatorHost: pubsubEnv.PUBSUB_EMULATOR_HOST });
  const elasticsearch = createElasticsearchClient({
    url: esEnv.ELASTICSEARCH_URL,
    apiKey: esEnv.ELASTICSEARCH_API_KEY,
    username: esEnv.ELASTICSEARCH_USERNAME,
    password: esEnv.ELASTICSEARCH_PASSWORD,
  });
  try {
    const [spec] = await Promise.all([
      ensureTopology(pubsub, topologyNamesFromEnv(pubsubEnv)),
      installTemplates(elasticsearch, indexNamesFromEnv(esEnv)),
    ]);
    return { topics: spec.topics.length, subscriptions: spec.subscriptions.length };
  } finally {
    await Promise.allSettled([pubsub.close(), elasticsearch.close()]);
  }
}
