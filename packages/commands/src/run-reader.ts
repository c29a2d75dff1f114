/**
 * Read access to run records (`_id` = command_id in `ELASTICSEARCH_COMMANDS_INDEX`), which the
 * worker writes: Elasticsearch for the ingress and the ops CLI, in-memory for route tests. One
 * behaviour suite (`run-reader.conformance.ts`) checks both.
 *
 * @example
 * const runs = new ElasticsearchRunReader(es, "pipeline_commands");
 * const run = await runs.get(commandId); // null until the worker recorded it
 */
import type { ElasticsearchClient } from "@periskope-pipeline/elasticsearch";
import { RUN_KIND, type CommandRun } from "./run-record.ts";

export interface RunReader {
  /** The run record, or null when the worker has not written one (yet). Rejects when the store is unreachable. */
  get(commandId: string): Promise<CommandRun | null>;
}

export class ElasticsearchRunReader implements RunReader {
  readonly #client: ElasticsearchClient;
  readonly #index: string;

  constructor(client: ElasticsearchClient, index: string) {
    this.#client = client;
    this.#index = index;
  }

  async get(commandId: string): Promise<CommandRun | null> {
    // 404 covers both a missing document and a missing index (nothing ran yet).
    const response = await this.#client.get<CommandRun>({ index: this.#index, id: commandId }, { ignore: [404] });
    // The index also holds coordination leases; only a record of this very command answers.
    const run = response.found ? response._source : undefined;
    return run !== undefined && run.command_id === commandId ? run : null;
  }

  /** Most recent first. Search is near-real-time: a run recorded in the last second may be missing. */
  async recent(limit: number): Promise<CommandRun[]> {
    const response = await this.#client.search<CommandRun>(
      { index: this.#index, size: limit, query: { term: { kind: RUN_KIND } }, sort: [{ requested_at: { order: "desc", unmapped_type: "date" } }] },
      { ignore: [404] },
    );
    return (response.hits?.hits ?? []).flatMap((hit) => (hit._source ? [hit._source] : []));
  }
}

/**
 * Builds the real reader on first use. The Elasticsearch client costs ~40 MB of memory, and most
 * ingress instances never serve an ops call: they should not pay for it.
 */
export class LazyRunReader implements RunReader {
  readonly #create: () => Promise<RunReader>;
  #reader: Promise<RunReader> | undefined;

  constructor(create: () => Promise<RunReader>) {
    this.#create = create;
  }

  get(commandId: string): Promise<CommandRun | null> {
    this.#reader ??= this.#create().catch((error: unknown) => {
      this.#reader = undefined; // let the next call try again
      throw error;
    });
    return this.#reader.then((reader) => reader.get(commandId));
  }
}

export class MemoryRunReader implements RunReader {
  readonly #runs = new Map<string, CommandRun>();

  /** What the worker would write. */
  put(run: CommandRun): void {
    this.#runs.set(run.command_id, run);
  }

  async get(commandId: string): Promise<CommandRun | null> {
    return this.#runs.get(commandId) ?? null;
  }
}
