import type { WebhookEnvelope } from "@periskope-pipeline/contracts";
import type { Delivery } from "../source/delivery.ts";

/** A delivery whose body is a valid webhook envelope. */
export interface DecodedEvent {
  readonly delivery: Delivery;
  readonly envelope: WebhookEnvelope;
  /** The whole parsed body: what the events index keeps raw. */
  readonly body: Record<string, unknown>;
  /** When the ingress received the webhook (epoch ms); Pub/Sub's publish time if the attribute is missing. */
  readonly receivedAt: number;
}
