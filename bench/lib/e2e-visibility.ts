/**
 * Time to searchable of the e2e bench: for a sample of the webhooks sent, the time from the
 * ingress's receive time (`received_at` in the document) until the document is visible to search,
 * found by asking Elasticsearch every `pollMs` for the sampled ids still missing (the index
 * refreshes every second, so the poll's own granularity is a tenth of that).
 *
 * The poll is load the bench adds to the Elasticsearch it measures, so it is kept cheap (one
 * request a tick, at most `MAX_IDS` ids, a `terms` filter on `_id` without scoring or hit
 * counting, only `received_at` fetched from doc values, the response filtered) and its cost is measured, not
 * guessed: every tick's query is recorded as sent (ids that were not visible yet marked absent) and
 * `replay` sends them again, back to back, while the bench counts Elasticsearch's CPU.
 */
import type { ElasticsearchClient } from "@periskope-pipeline/elasticsearch";

export interface VisibilityStats {
  readonly samples: number;
  readonly seen: number;
  readonly p50_ms: number | null;
  readonly p95_ms: number | null;
  readonly p99_ms: number | null;
  readonly max_ms: number | null;
  /** Search requests the poll sent, and ids they asked for. */
  readonly queries: number;
  readonly ids_queried: number;
}

/** Ids asked for in one request: a few seconds' sample at most (samples arrive at ~50/s). */
const MAX_IDS = 500;
/** Suffix that makes a recorded id one no document has, so a replay misses where the poll missed. */
const ABSENT = "#absent";

export class VisibilityTracker {
  private readonly pending = new Set<string>();
  private readonly timesMs: number[] = [];
  /** Every query sent, as sent: the ids found as they are, the others marked absent. */
  private readonly sent: string[][] = [];
  private samples = 0;
  private timer: NodeJS.Timeout | undefined;
  /** The poll in flight, if any: one at a time. */
  private polling: Promise<void> | undefined;

  private readonly es: ElasticsearchClient;
  private readonly index: string;
  private readonly pollMs: number;

  constructor(es: ElasticsearchClient, index: string, pollMs = 100) {
    this.es = es;
    this.index = index;
    this.pollMs = pollMs;
  }

  add(messageId: string): void {
    this.samples++;
    this.pending.add(messageId);
  }

  start(): void {
    this.timer = setInterval(() => this.poll(), this.pollMs);
  }

  get missing(): number {
    return this.pending.size;
  }

  /** Polls until every sample is seen or `timeoutMs` passes, then stops (the poll in flight included). */
  async finish(timeoutMs: number): Promise<VisibilityStats> {
    const deadline = Date.now() + timeoutMs;
    while (this.pending.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, this.pollMs));
    clearInterval(this.timer);
    await this.polling;
    return this.stats();
  }

  stats(): VisibilityStats {
    const sorted = [...this.timesMs].sort((a, b) => a - b);
    const at = (q: number) => (sorted.length === 0 ? null : sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!);
    return {
      samples: this.samples,
      seen: sorted.length,
      p50_ms: at(0.5),
      p95_ms: at(0.95),
      p99_ms: at(0.99),
      max_ms: sorted.at(-1) ?? null,
      queries: this.sent.length,
      ids_queried: this.sent.reduce((sum, ids) => sum + ids.length, 0),
    };
  }

  /** Sends every recorded query again, one after the other, with the same hits and misses. */
  async replay(): Promise<number> {
    for (const ids of this.sent) await this.query(ids);
    return this.sent.length;
  }

  private query(ids: readonly string[]) {
    return this.es.search({
      index: this.index,
      size: ids.length,
      query: { bool: { filter: { terms: { _id: [...ids] } } } },
      track_total_hits: false,
      // From doc values: no stored _source to load and decompress per hit.
      _source: false,
      docvalue_fields: ["received_at"],
      filter_path: ["hits.hits._id", "hits.hits.fields"],
    });
  }

  private poll(): void {
    if (this.polling || this.pending.size === 0) return;
    this.polling = this.pollOnce().finally(() => (this.polling = undefined));
  }

  private async pollOnce(): Promise<void> {
    try {
      const ids = [...this.pending].slice(0, MAX_IDS);
      const response = await this.query(ids);
      const now = Date.now();
      const found = new Set<string>();
      for (const hit of response.hits?.hits ?? []) {
        if (hit._id === undefined || !this.pending.delete(hit._id)) continue;
        found.add(hit._id);
        const receivedAt = Date.parse(String(hit.fields?.received_at?.[0] ?? ""));
        if (Number.isFinite(receivedAt)) this.timesMs.push(now - receivedAt);
      }
      this.sent.push(ids.map((id) => (found.has(id) ? id : `${id}${ABSENT}`)));
    } catch {
      // A slow or failed poll is retried on the next tick; the sample stays pending.
    }
  }
}
