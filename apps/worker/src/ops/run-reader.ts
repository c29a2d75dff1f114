/**
 * Reads run records from the commands index for the ops CLI (the worker writes them).
 */
import type { ElasticsearchClient } from "@periskope-pipeline/elasticsearch";
import { RUN_KIND, type StoredRun } from "../commands/index.ts";

export class RunReader {
  private readonly es: ElasticsearchClient;
  private readonly index: string;

  constructor(es: ElasticsearchClient, index: string) {
    this.es = es;
    this.index = index;
  }

  async get(commandId: string): Promise<StoredRun | undefined> {
    const response = await this.es.get<StoredRun>({ index: this.index, id: commandId }, { ignore: [404] });
    return response.found ? response._source : undefined;
  }

  /** Most recent first. Search is near-real-time: a run recorded in the last second may be missing. */
  async recent(limit: number): Promise<StoredRun[]> {
    const response = await this.es.search<StoredRun>(
      { index: this.index, size: limit, query: { term: { kind: RUN_KIND } }, sort: [{ requested_at: { order: "desc", unmapped_type: "date" } }] },
      { ignore: [404] },
    );
    return (response.hits?.hits ?? []).flatMap((hit) => (hit._source ? [hit._source] : []));
  }
}
