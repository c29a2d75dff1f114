/** What the simulator announces on stdout once it listens (its `SimulatorListening` JSON line). */
export interface SimulatorListening {
  url: string;
  control: string;
  phones: string[];
  orgId: string | undefined;
}

export function parseSimulatorListening(line: string): SimulatorListening | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  const event = value as { event?: unknown; url?: unknown; control?: unknown; phones?: unknown; org_id?: unknown };
  if (event.event !== "SimulatorListening" || typeof event.url !== "string") return undefined;
  return {
    url: event.url,
    control: typeof event.control === "string" ? event.control : `${new URL(event.url).origin}/__control`,
    phones: Array.isArray(event.phones) ? event.phones.map(String) : [],
    orgId: typeof event.org_id === "string" ? event.org_id : undefined,
  };
}
