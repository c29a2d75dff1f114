/**
 * Groups items into micro-batches by count, bytes and time (design §3.2): a batch is emitted when
 * it holds `maxItems`, when adding the next item would pass `maxBytes`, or `maxWaitMs` after its
 * first item arrived, whichever comes first. Under load batches fill by count; when idle, a lone
 * message waits at most `maxWaitMs`.
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
}

export class MicroBatcher<T> {
  private items: T[] = [];
  private bytes = 0;
  private timer: NodeJS.Timeout | undefined;
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
    else this.timer ??= setTimeout(() => this.flush(), this.options.maxWaitMs);
  }

  /** Emits whatever is waiting now. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
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
