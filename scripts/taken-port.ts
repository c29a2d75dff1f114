import { findPortHolder, portIsFree, type PortHolder } from "@periskope-pipeline/local-stack";

export interface AppPort {
  /** The variable that moves it, e.g. SIMULATOR_PORT. */
  variable: string;
  port: number;
  host: string;
}

/**
 * The first of `ports` that something else already listens on, as the one line `npm start` says
 * instead of an app's EADDRINUSE stack trace; undefined when all are free.
 */
export async function firstTakenPort(ports: readonly AppPort[]): Promise<string | undefined> {
  for (const { variable, port, host } of ports) {
    if (await portIsFree(port, host)) continue;
    return describeTakenPort({ variable, port, host }, findPortHolder(port));
  }
  return undefined;
}

const MAX_COMMAND_CHARS = 120;

export function describeTakenPort({ variable, port }: AppPort, holder: PortHolder | undefined): string {
  let command = holder?.command ?? "";
  if (command.length > MAX_COMMAND_CHARS) command = `${command.slice(0, MAX_COMMAND_CHARS - 1)}…`;
  const by = holder ? `pid ${holder.pid} (${command})` : "a process this user cannot see";
  return `port ${port} (${variable}) is taken by ${by}; stop it, or set ${variable} to a free port`;
}
