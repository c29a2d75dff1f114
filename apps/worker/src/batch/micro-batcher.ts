/**
 * Groups items into micro-batches by count, bytes and time (design §3.2): a batch is emitted when
 * it holds `maxItems`, when adding the next item would pass `maxBytes`, or `maxWaitMs` after its
 * first item arrived, whichever comes first. Under load batches fill by count; when idle, a lone
 * message waits at most `maxWaitMs`.
 *
 * With `hasCapacity`, a batch that is due by time but not full waits until the consumer has room
 * (`capacityFreed()`), and keeps filling meanwhile: when every slot is busy, emitting it would
 * only queue it, and the sink pays per request (Elasticsearch fsyncs its translog per bulk), so
 * fewer, fuller batches are what a loaded pipeline needs. It waits so at most another `maxWaitMs`:
 * past that it goes out anyway, so a slow request delays the next batch by at most one more wait
 * (time to searchable stays bounded), while the batch still grows with the load meanwhile.
 *
 * @example
 * const batcher = new MicroBatcher<Delivery>({ maxItems: 500, maxBytes: 5e6, maxWaitMs: 50,
 *   sizeOf: (d) => d.data.length, onBatch: (batch) => process(batch) });
 */
export interface MicroBatcherOptions<T> {
  readonly maxItems: number;
  readonly maxBytes: number;
  readonly maxWaitMs: number;
  readonly sizeOf: (item: T) => number;
  readonly onBatch: (items: T[]) => void;
  /** Whether the consumer can take a batch now; absent = always. */
  readonly hasCapacity?: () => boolean;
}

export class MicroBatcher<T> {
  private items: T[] = [];
  private bytes = 0;
  private timer: NodeJS.Timeout | undefined;
  /** The current batch's wait is over; it goes out as soon as there is capacity. */
  private due = false;
  private readonly options: MicroBatcherOptions<T>;

  constructor(options: MicroBatcherOptions<T>) {
    this.options = options;
  }

  add(item: T): void {
    const size = this.options.sizeOf(item);
    // An item that would overflow the byte bound starts the next batch (a single huge item still goes alone).
    if (this.items.length > 0 && this.bytes + size > this.options.maxBytes) this.flush();
    this.items.push(item);
    this.bytes += size;
    if (this.items.length >= this.options.maxItems || this.bytes >= this.options.maxBytes) this.flush();
    else if (!this.due) this.timer ??= setTimeout(() => this.onWaitOver(), this.options.maxWaitMs);
  }

  /** The consumer finished a batch: a batch that is due goes out now. */
  capacityFreed(): void {
    if (this.due) this.flush();
  }

  private onWaitOver(): void {
    this.timer = undefined;
    if (this.options.hasCapacity?.() === false) {
      this.due = true;
      this.timer = setTimeout(() => this.flush(), this.options.maxWaitMs);
    } else this.flush();
  }

  /** Emits whatever is waiting now. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.due = false;
    if (this.items.length === 0) return;
    const batch = this.items;
    this.items = [];
    this.bytes = 0;
    this.options.onBatch(batch);
  }

  get pending(): number {
    return this.items.length;
  }
}
