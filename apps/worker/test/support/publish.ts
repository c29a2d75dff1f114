/**
 * Publishes webhook bodies to a test's events topic the way the ingress does: raw bytes plus the
 * contract attributes (design §2).
 */
import { createHash, randomUUID } from "node:crypto";
import type { PubSub } from "@google-cloud/pubsub";
import { WEBHOOK_SCHEMA } from "@periskope-pipeline/contracts";

export interface PublishOptions {
  /** Receive time per body (default: now). */
  readonly receivedAt?: (index: number) => Date;
}

export async function publishBodies(pubsub: PubSub, topic: string, bodies: readonly (string | object)[], options: PublishOptions = {}): Promise<string[]> {
  const publisher = pubsub.topic(topic, { batching: { maxMessages: 500, maxMilliseconds: 10 } });
  const ids = await Promise.all(
    bodies.map((body, i) => {
      const raw = typeof body === "string" ? body : JSON.stringify(body);
      const data = Buffer.from(raw);
      let eventType = "unknown";
      try {
        const parsed = JSON.parse(raw) as { event_type?: unknown; event?: unknown };
        eventType = String(parsed.event_type ?? parsed.event ?? "unknown");
      } catch {
        // Poison bodies are published as they are.
      }
      return publisher.publishMessage({
        data,
        attributes: {
          event_type: eventType,
          received_at: (options.receivedAt?.(i) ?? new Date()).toISOString(),
          request_id: randomUUID(),
          content_sha256: createHash("sha256").update(data).digest("hex"),
          schema: WEBHOOK_SCHEMA,
        },
      });
    }),
  );
  await publisher.flush();
  return ids;
}
