/**
 * Deliveries the HTTP thread handed to the publishing thread and still owes an answer, by slot.
 *
 * A slot is reused once answered. Each use gets a new generation, and the two travel together as a
 * ticket (`generation * MAX_SLOTS + slot`, an int32), so an answer that comes back after its
 * delivery was already given up on (expired) can never reach the delivery now in that slot.
 */
import type { Outcome } from "../webhook/outcomes.ts";

export const MAX_SLOTS = 1 << 17;
const MAX_GENERATIONS = 1 << 13;

type Resolve = (outcome: Outcome) => void;

export class PendingDeliveries {
  readonly #answerWithinMs: number;
  #resolvers: (Resolve | undefined)[] = [];
  #deadlines: number[] = [];
  #generations: number[] = [];
  #free: number[] = [];
  #size = 0;

  /** A delivery not answered within `answerWithinMs` of its receipt is expired by `expireOverdue`. */
  constructor(answerWithinMs: number) {
    this.#answerWithinMs = answerWithinMs;
  }

  get size(): number {
    return this.#size;
  }

  /** Takes a slot; returns the ticket, or -1 when every slot is taken. */
  open(receivedAt: number, resolve: Resolve): number {
    const slot = this.#free.length > 0 ? (this.#free.pop() as number) : this.#resolvers.length;
    if (slot >= MAX_SLOTS) return -1;
    const generation = ((this.#generations[slot] ?? 0) + 1) % MAX_GENERATIONS;
    this.#generations[slot] = generation;
    this.#resolvers[slot] = resolve;
    this.#deadlines[slot] = receivedAt + this.#answerWithinMs;
    this.#size++;
    return generation * MAX_SLOTS + slot;
  }

  /** Answers a ticket; an answer for an expired or unknown ticket is dropped. */
  settle(ticket: number, outcome: Outcome): void {
    const slot = ticket % MAX_SLOTS;
    if (this.#generations[slot] !== Math.floor(ticket / MAX_SLOTS)) return;
    this.#answer(slot, outcome);
  }

  expireOverdue(now: number, outcome: Outcome): void {
    if (this.#size === 0) return;
    for (let slot = 0; slot < this.#resolvers.length; slot++) {
      if (this.#resolvers[slot] !== undefined && (this.#deadlines[slot] as number) <= now) this.#answer(slot, outcome);
    }
  }

  settleAll(outcome: Outcome): void {
    for (let slot = 0; slot < this.#resolvers.length; slot++) if (this.#resolvers[slot] !== undefined) this.#answer(slot, outcome);
  }

  #answer(slot: number, outcome: Outcome): void {
    const resolve = this.#resolvers[slot];
    if (resolve === undefined) return;
    this.#resolvers[slot] = undefined;
    this.#free.push(slot);
    this.#size--;
    resolve(outcome);
  }
}
