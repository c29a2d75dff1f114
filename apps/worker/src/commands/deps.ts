/**
 * What the command runner needs from the worker's composition root (`main.ts`). Everything is built
 * once there and injected, so tests can run several runners in one process against real services
 * with their own clients.
 */
import type { PubSub } from "@google-cloud/pubsub";
import type { IndexNames } from "@periskope-pipeline/elasticsearch";
import type { ElasticsearchClient } from "@periskope-pipeline/elasticsearch";
import type { Logger, Registry } from "@periskope-pipeline/observability";
import type { PeriskopeClient } from "@periskope-pipeline/periskope";
import type { TopologyNames } from "@periskope-pipeline/pubsub";
import type { ChatNameUpdate } from "../chat-names/index.ts";
import type { CommandSettings } from "./settings.ts";

export type { ChatNameUpdate };

export interface CommandDeps {
  readonly es: ElasticsearchClient;
  readonly indices: IndexNames;
  readonly pubsub: PubSub;
  readonly topology: TopologyNames;
  /**
   * The worker's one Periskope client, shared with the pipeline so both obey one rate-limit pause
   * and one breaker; a run counts its own attempts with a per-call `onAttempt`. Null when no
   * `PERISKOPE_API_KEY` is configured: `refresh-cache` then fails with a clear error.
   */
  readonly periskope: PeriskopeClient | null;
  /** `PERISKOPE_PHONES`: the phones `refresh-cache` pages through by default. */
  readonly phones: readonly string[];
  readonly logger: Logger;
  readonly metrics: Registry;
  /** Unique per process (e.g. hostname + pid): recorded on runs and leases. */
  readonly workerId: string;
  readonly settings: CommandSettings;
  /**
   * Remember the names in the in-process cache and fill `chat_name` on those chats' messages.
   * Called after the cache index holds the names; a rejection fails the run (the names are cached,
   * the messages are not yet filled, and the error says so).
   */
  readonly onChatNamesChanged: (updates: ChatNameUpdate[]) => Promise<void>;
}
