/**
 * How a pulled message ends, decided by the stages and carried out by `settle/` alone:
 * `indexed` and `superseded` are acked, `dead-letter` is published to the dead-letter topic with
 * its reason and then acked, `retry` is nacked so Pub/Sub redelivers it later.
 */
export type Stage = "decode" | "resolve" | "build" | "index" | "settle";

export type Outcome =
  | { readonly kind: "indexed" }
  /** The index already holds a newer (or the same) version of this message. */
  | { readonly kind: "superseded" }
  | { readonly kind: "dead-letter"; readonly errorKind: string; readonly errorMessage: string; readonly stage: Stage }
  | { readonly kind: "retry"; readonly code: string; readonly stage: Stage };

export const INDEXED: Outcome = { kind: "indexed" };
export const SUPERSEDED: Outcome = { kind: "superseded" };

export function deadLetter(stage: Stage, errorKind: string, errorMessage: string): Outcome {
  return { kind: "dead-letter", errorKind, errorMessage, stage };
}

export function retry(stage: Stage, code: string): Outcome {
  return { kind: "retry", code, stage };
}
