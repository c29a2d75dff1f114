/**
 * The real worker pipeline (`createWorker`) on a harness's indices and topics, for tests that need
 * messages flowing while commands run, and webhook bodies published the way the ingress does.
 */
import { createHash, randomUUID } from "node:crypto";
import type { PubSub } from "@google-cloud/pubsub";
import { loadConfig } from "@periskope-pipeline/config";
import { WEBHOOK_SCHEMA } from "@periskope-pipeline/contracts";
import type { ElasticsearchClient } from "@periskope-pipeline/elasticsearch";
import { createPeriskopeClient } from "@periskope-pipeline/periskope";
import { toRawBody, type WebhookPayload } from "@periskope-pipeline/testkit";
import { configSchema } from "../../src/config.ts";
import { createWorker, type Worker } from "../../src/worker.ts";
import type { Harness } from "./command-harness.ts";
import { TEST_API_KEY as API_KEY } from "./in-process-worker.ts";

export function startWorker(h: Harness, clients: { es: ElasticsearchClient; pubsub: PubSub }): Worker {
  const settings = loadConfig(configSchema, {
    ELASTICSEARCH_INDEX: h.indices.messages,
    ELASTICSEARCH_CACHE_INDEX: h.indices.chatNames,
    ELASTICSEARCH_EVENTS_INDEX: h.indices.events,
    ELASTICSEARCH_COMMANDS_INDEX: h.indices.commands,
    PUBSUB_EVENTS_SUBSCRIPTION: h.topology.eventsSubscription,
    PUBSUB_DEAD_LETTER_TOPIC: h.topology.deadLetterTopic,
    PUBSUB_DEAD_LETTER_RECORDS_SUBSCRIPTION: h.topology.deadLetterRecordsSubscription,
    PUBSUB_MAX_STREAMS: "1",
    PERISKOPE_PHONES: h.sim.phones.join(","),
  });
  const worker = createWorker({
    settings,
    es: clients.es,
    pubsub: clients.pubsub,
    periskope: createPeriskopeClient({ baseUrl: h.sim.url, apiKey: API_KEY, timeoutMs: 5_000 }),
    log: h.logger,
    fillDelayMs: 0,
  });
  worker.start();
  return worker;
}

/** Publishes webhook bodies to the events topic with the ingress's attributes. */
export async function publishWebhooks(pubsub: PubSub, topic: string, payloads: readonly WebhookPayload[]): Promise<void> {
  const t = pubsub.topic(topic);
  await Promise.all(
    payloads.map((payload) => {
      const body = Buffer.from(toRawBody(payload));
      return t.publishMessage({
        data: body,
        attributes: {
          event_type: String(payload.event_type ?? payload.event),
          received_at: new Date().toISOString(),
          request_id: randomUUID(),
          content_sha256: createHash("sha256").update(body).digest("hex"),
          schema: WEBHOOK_SCHEMA,
        },
      });
    }),
  );
}
