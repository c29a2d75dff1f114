/**
 * One long-lived PubSub client per process (nodejs-pubsub guidance: create clients once, reuse).
 *
 * With an emulator host the client talks plaintext gRPC to it and never looks for credentials; the
 * project id is always explicit, and `METADATA_SERVER_DETECTION=none` keeps Google's auth library
 * from probing the cloud metadata address, which must never be contacted off-cloud.
 */
import { PubSub } from "@google-cloud/pubsub";

export interface PubSubOptions {
  readonly projectId: string;
  /** host:port of the Pub/Sub emulator; absent = real Google Cloud. */
  readonly emulatorHost?: string | undefined;
}

export function createPubSub({ projectId, emulatorHost }: PubSubOptions): PubSub {
  if (!emulatorHost) return new PubSub({ projectId });
  process.env.METADATA_SERVER_DETECTION ??= "none";
  return new PubSub({ projectId, apiEndpoint: emulatorHost, emulatorMode: true });
}

/** gRPC ALREADY_EXISTS: creating what exists is success for an idempotent setup. */
export function isAlreadyExists(error: unknown): boolean {
  return (error as { code?: number } | null)?.code === 6;
}

/** gRPC NOT_FOUND. */
export function isNotFound(error: unknown): boolean {
  return (error as { code?: number } | null)?.code === 5;
}
