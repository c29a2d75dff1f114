import { findPortHolder, portIsFree, type PortHolder } from "./port-holder.ts";

export interface WantedPort {
  port: number;
  host: string;
  /** The variable that moves it, e.g. SIMULATOR_PORT. */
  variable: string;
  /** What to do instead of stopping the holder; by default, move the port with the variable. */
  remedy?: string;
}

/**
 * The first of `ports` that something else already listens on, as the one line to say instead
 * of a server's EADDRINUSE stack trace; undefined when all are free.
 */
export async function firstTakenPort(ports: readonly WantedPort[]): Promise<string | undefined> {
  for (const wanted of ports) {
    if (await portIsFree(wanted.port, wanted.host)) continue;
    return describeTakenPort(wanted, findPortHolder(wanted.port));
  }
  return undefined;
}

const MAX_COMMAND_CHARS = 120;

export function describeTakenPort({ port, variable, remedy }: WantedPort, holder: PortHolder | undefined): string {
  let command = holder?.command ?? "";
  if (command.length > MAX_COMMAND_CHARS) command = `${command.slice(0, MAX_COMMAND_CHARS - 1)}…`;
  const by = holder ? `pid ${holder.pid} (${command})` : "a process this user cannot see";
  return `port ${port} (${variable}) is taken by ${by}; stop it, or ${remedy ?? `set ${variable} to a free port`}`;
}
