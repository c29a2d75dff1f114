/**
 * Elasticsearch client factory and readiness wait.
 *
 * The v9 client has no default request timeout: one is always set, so a stuck request fails and is
 * retried by the caller's policy instead of stalling a batch. Readiness uses `GET /_cluster/health`
 * because the test distribution (and some proxies) have no `GET /`, so `info()`/`ping()` are not used.
 */
import { Client } from "@elastic/elasticsearch";

export interface ElasticsearchOptions {
  readonly url: string;
  readonly apiKey?: string | undefined;
  readonly username?: string | undefined;
  readonly password?: string | undefined;
  readonly requestTimeoutMs?: number;
  /** Transport-level retries on connection errors; bulk item outcomes are handled by callers. */
  readonly maxRetries?: number;
}

export function createElasticsearchClient(options: ElasticsearchOptions): Client {
  const auth = options.apiKey
    ? { apiKey: options.apiKey }
    : options.username
      ? { username: options.username, password: options.password ?? "" }
      : undefined;
  return new Client({
    node: options.url,
    ...(auth ? { auth } : {}),
    requestTimeout: options.requestTimeoutMs ?? 30_000,
    maxRetries: options.maxRetries ?? 2,
    compression: false,
    // The default ("replace") deep-copies every error's metadata to mask secrets, request body
    // included: a 2 MB bulk body (a Buffer) becomes 2M [index, byte] pairs, ~150 MB of heap and
    // seconds of CPU per failed attempt, which took workers to their heap limit whenever
    // Elasticsearch was unreachable. "remove" drops the headers and connection instead, without
    // copying; logs never show an error's metadata anyway (log-safety.ts of observability).
    redaction: { type: "remove" },
  });
}

/** Options from the shared `ELASTICSEARCH_*` settings. */
export function elasticsearchOptionsFromEnv(env: {
  ELASTICSEARCH_URL: string;
  ELASTICSEARCH_API_KEY?: string | undefined;
  ELASTICSEARCH_USERNAME?: string | undefined;
  ELASTICSEARCH_PASSWORD?: string | undefined;
  ELASTICSEARCH_REQUEST_TIMEOUT_MS: number;
}): ElasticsearchOptions {
  return {
    url: env.ELASTICSEARCH_URL,
    apiKey: env.ELASTICSEARCH_API_KEY,
    username: env.ELASTICSEARCH_USERNAME,
    password: env.ELASTICSEARCH_PASSWORD,
    requestTimeoutMs: env.ELASTICSEARCH_REQUEST_TIMEOUT_MS,
  };
}

/** Waits until the cluster is at least yellow, polling until `timeoutMs`. */
export async function waitForElasticsearch(client: Client, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const health = await client.cluster.health({ wait_for_status: "yellow", timeout: "5s" }, { requestTimeout: 10_000, maxRetries: 0 });
      if (!health.timed_out) return;
    } catch (error) {
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`Elasticsearch not healthy within ${timeoutMs} ms: ${String((lastError as Error)?.message ?? lastError ?? "timed out")}`);
}
