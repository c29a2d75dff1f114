/**
 * Readiness probes. The Elasticsearch test distribution has no `GET /` (and so no client
 * `ping()`/`info()`), so cluster health is the probe; yellow is ready on one node, where
 * replicas can never be assigned.
 */
export async function elasticsearchIsHealthy(url: string, timeoutMs = 2_000): Promise<boolean> {
  const probe = new URL("/_cluster/health", url);
  probe.searchParams.set("wait_for_status", "yellow");
  probe.searchParams.set("timeout", "1s");
  try {
    const response = await fetch(probe, { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) return false;
    const body = (await response.json()) as { status?: string };
    return body.status === "green" || body.status === "yellow";
  } catch {
    return false;
  }
}

/** The Pub/Sub emulator answers `GET /` with `Ok` once its server is up. */
export async function pubsubEmulatorAnswers(host: string, timeoutMs = 2_000): Promise<boolean> {
  try {
    const response = await fetch(`http://${host}/`, { signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}
