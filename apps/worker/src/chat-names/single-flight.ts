/**
 * Concurrent callers asking for the same key share one in-flight call (design §3.4: "concurrent
 * misses for one chat share one call"). The entry is dropped when the call settles, so a later
 * miss asks again; remembering answers is the caches' job, not this one's.
 *
 * @example
 * const flights = new SingleFlight<string, Chat | null>();
 * const [a, b] = await Promise.all([flights.run(id, fetchChat), flights.run(id, fetchChat)]); // one fetch
 */
export class SingleFlight<K, V> {
  private readonly inFlight = new Map<K, Promise<V>>();
  private readonly onJoin: (() => void) | undefined;

  constructor(onJoin?: () => void) {
    this.onJoin = onJoin;
  }

  run(key: K, call: (key: K) => Promise<V>): Promise<V> {
    const existing = this.inFlight.get(key);
    if (existing) {
      this.onJoin?.();
      return existing;
    }
    const flight = Promise.resolve()
      .then(() => call(key))
      .finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, flight);
    return flight;
  }

  get size(): number {
    return this.inFlight.size;
  }

  /** Settles when every call in flight now has settled (shutdown, tests). */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.inFlight.values()]);
  }
}
