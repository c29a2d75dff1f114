/**
 * Time to searchable of the e2e bench: for a sample of the webhooks sent, the time from the
 * ingress's receive time (`received_at` in the document) until the document is visible to search,
 * found by asking Elasticsearch every `pollMs` for the sampled ids still missing (one small `ids`
 * search; the index refreshes every second, so the poll's own granularity is a tenth of that).
 */
import type { ElasticsearchClient } from "@periskope-pipeline/elasticsearch";

export interface VisibilityStats {
  readonly samples: number;
  readonly seen: number;
  readonly p50_ms: number | null;
  readonly p95_ms: number | null;
  readonly p99_ms: number | null;
  readonly max_ms: number | null;
}

export class VisibilityTracker {
  private readonly pending = new Set<string>();
  private readonly timesMs: number[] = [];
  private samples = 0;
  private timer: NodeJS.Timeout | undefined;
  private polling = false;

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
    this.timer = setInterval(() => void this.poll(), this.pollMs);
  }

  get missing(): number {
    return this.pending.size;
  }

  /** Polls until every sample is seen or `timeoutMs` passes, then stops. */
  async finish(timeoutMs: number): Promise<VisibilityStats> {
    const deadline = Date.now() + timeoutMs;
    while (this.pending.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, this.pollMs));
    clearInterval(this.timer);
    return this.stats();
  }

  stats(): VisibilityStats {
    const sorted = [...this.timesMs].sort((a, b) => a - b);
    const at = (q: number) => (sorted.length === 0 ? null : sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!);
    return { samples: this.samples, seen: sorted.length, p50_ms: at(0.5), p95_ms: at(0.95), p99_ms: at(0.99), max_ms: sorted.at(-1) ?? null };
  }

  private async poll(): Promise<void> {
    if (this.polling || this.pending.size === 0) return;
    this.polling = true;
    try {
      const ids = [...this.pending].slice(0, 1_000);
      const response = await this.es.search<{ received_at?: string }>({ index: this.index, size: ids.length, query: { ids: { values: ids } }, _source: ["received_at"] });
      const now = Date.now();
      for (const hit of response.hits.hits) {
        if (hit._id === undefined || !this.pending.delete(hit._id)) continue;
        const receivedAt = Date.parse(hit._source?.received_at ?? "");
        if (Number.isFinite(receivedAt)) this.timesMs.push(now - receivedAt);
      }
    } catch {
      // A slow or failed poll is retried on the next tick; the sample stays pending.
    } finally {
      this.polling = false;
    }
  }
}
