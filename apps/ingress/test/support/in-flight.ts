/** Waiting on an ingress process's state through its own `/metrics`, with a bound. */

/** `ingress_publishes_in_flight`: webhooks accepted and not yet acknowledged by Pub/Sub (-1 if absent). */
export async function inFlight(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(/^ingress_publishes_in_flight\{[^}]*\} (\d+)/m.exec(text)?.[1] ?? -1);
}

export async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
