/**
 * Read access to command run records (`_id` = command_id in `ELASTICSEARCH_COMMANDS_INDEX`), which
 * the worker writes. Two implementations: Elasticsearch, and in-memory for route tests; one
 * behaviour suite (`command-runs.conformance.ts`) checks both.
 */
import type { CommandRun } from "@periskope-pipeline/contracts";
import type { ElasticsearchClient } from "@periskope-pipeline/elasticsearch";

export interface CommandRunReader {
  /** The run record, or null when the worker has not written one (yet). Rejects when the store is unreachable. */
  get(commandId: string): Promise<CommandRun | null>;
}

export class ElasticsearchCommandRuns implements CommandRunReader {
  readonly #client: ElasticsearchClient;
  readonly #index: string;

  constructor(client: ElasticsearchClient, index: string) {
    this.#client = client;
    this.#index = index;
  }

  async get(commandId: string): Promise<CommandRun | null> {
    // 404 covers both a missing document and a missing index (nothing ran yet).
    const response = await this.#client.get<CommandRun>({ index: this.#index, id: commandId }, { ignore: [404] });
    return response.found && response._source ? response._source : null;
  }
}

/**
 * Builds the real reader on first use. The Elasticsearch client costs ~40 MB of memory, and most
 * ingress instances never serve an ops call: they should not pay for it.
 */
export class LazyCommandRuns implements CommandRunReader {
  readonly #create: () => Promise<CommandRunReader>;
  #reader: Promise<CommandRunReader> | undefined;

  constructor(create: () => Promise<CommandRunReader>) {
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

export class MemoryCommandRuns implements CommandRunReader {
  readonly #runs = new Map<string, CommandRun>();

  /** What the worker would write. */
  put(run: CommandRun): void {
    this.#runs.set(run.command_id, run);
  }

  async get(commandId: string): Promise<CommandRun | null> {
    return this.#runs.get(commandId) ?? null;
  }
}
