export interface ElasticsearchNodeSettings {
  host: string;
  port: number;
  dataDir: string;
  logsDir: string;
}

/**
 * elasticsearch.yml for the local single node. Every line is here for a reason:
 * - loopback + single-node discovery: nothing else can join, and the production bootstrap
 *   checks (vm.max_map_count, file descriptors) stay off, so no sysctl is needed on the host;
 * - the disk threshold decider is off, so a nearly full dev disk never flips indices to
 *   read-only mid-test (the flood-stage block otherwise needs manual clearing);
 * - security is off: the test distribution ships x-pack-security, and the local stack is
 *   plain HTTP on loopback like the docker-compose one.
 */
export function renderElasticsearchYml(settings: ElasticsearchNodeSettings): string {
  const lines = {
    "cluster.name": "periskope-local",
    "node.name": "local",
    "network.host": settings.host,
    "http.port": String(settings.port),
    "discovery.type": "single-node",
    "path.data": settings.dataDir,
    "path.logs": settings.logsDir,
    "cluster.routing.allocation.disk.threshold_enabled": "false",
    "xpack.security.enabled": "false",
  };
  return `${Object.entries(lines)
    .map(([key, value]) => `${key}: ${JSON.stringify(value)}`)
    .join("\n")}\n`;
}

/** Heap flags from ES_HEAP (e.g. `1g`, `512m`); min = max, as Elasticsearch recommends. */
export function heapOptions(heap: string | undefined): string {
  const value = heap?.trim() || "1g";
  if (!/^\d+[kmgKMG]$/.test(value)) throw new Error(`ES_HEAP must look like 512m or 2g, got ${JSON.stringify(value)}`);
  return `-Xms${value} -Xmx${value}`;
}
