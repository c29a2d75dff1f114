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
  /** gRPC channel options (`grpc.*` keys), e.g. a shorter reconnect backoff. */
  readonly channelOptions?: Readonly<Record<`grpc.${string}`, number>>;
}

export function createPubSub({ projectId, emulatorHost, channelOptions = {} }: PubSubOptions): PubSub {
  if (!emulatorHost) return new PubSub({ projectId, ...channelOptions });
  process.env.METADATA_SERVER_DETECTION ??= "none";
  return new PubSub({ projectId, apiEndpoint: emulatorHost, emulatorMode: true, ...channelOptions });
}

/** gRPC ALREADY_EXISTS: creating what exists is success for an idempotent setup. */
export function isAlreadyExists(error: unknown): boolean {
  return (error as { code?: number } | null)?.code === 6;
}
