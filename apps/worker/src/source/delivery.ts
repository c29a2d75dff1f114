/**
 * One pulled message as the pipeline sees it: the raw bytes the ingress published, their
 * attributes, and the two ways to finish it. Only `settle/` calls `ack` or `nack`.
 */
export interface Delivery {
  /** Pub/Sub message id; `original_message_id` on a dead-letter record. */
  readonly id: string;
  /** The webhook body exactly as received by the ingress. */
  readonly data: Buffer;
  readonly attributes: Readonly<Record<string, string>>;
  /** 1 on first delivery; 0 when the subscription has no dead-letter policy (Pub/Sub does not count then). */
  readonly deliveryAttempt: number;
  /** When Pub/Sub accepted the message (epoch ms): the time of last resort. */
  readonly publishTime: number;
  ack(): void;
  nack(): void;
}
