/**
 * Ceiling (2) of the worker benchmark: a bare subscriber with the worker's own pull settings (the
 * worker's source, same flow control and stream count) that acks every message on arrival. This is
 * what the emulator can hand out to one worker on this machine.
 */
import type { PubSub } from "@google-cloud/pubsub";
import { createPubSubSource, type PubSubSourceOptions } from "../../apps/worker/src/source/pubsub-source.ts";

export interface QueueCeiling {
  readonly messages: number;
  readonly deliveries: number;
  readonly wall_ms: number;
  readonly docs_per_s: number;
}

export async function measureQueueCeiling(pubsub: PubSub, options: PubSubSourceOptions, expected: number, timeoutMs: number): Promise<QueueCeiling> {
  const source = createPubSubSource(pubsub, options);
  const seen = new Set<string>();
  let deliveries = 0;
  const started = performance.now();
  let finished = 0;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`queue ceiling: only ${seen.size} of ${expected} messages within ${timeoutMs} ms`)), timeoutMs);
    source.start(
      (delivery) => {
        deliveries++;
        delivery.ack();
        seen.add(delivery.id);
        if (seen.size === expected && finished === 0) {
          finished = performance.now();
          clearTimeout(timer);
          resolve();
        }
      },
      (error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
  await source.stop();
  const wall = finished - started;
  return { messages: seen.size, deliveries, wall_ms: Math.round(wall), docs_per_s: Math.round(seen.size / (wall / 1000)) };
}
