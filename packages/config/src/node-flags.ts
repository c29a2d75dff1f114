/**
 * Which of the Node flags an app asks for (its heap bounds) this process was started without, on
 * the command line or in NODE_OPTIONS, whatever their values. Each app names its flags and why
 * (a `node-flags.ts` in each app); its `main.ts` warns with what is missing.
 *
 * @example
 * missingNodeFlags(["--max-semi-space-size=16"]); // [] when started with any --max-semi-space-size
 */
export function missingNodeFlags(wanted: readonly string[], execArgv: readonly string[] = process.execArgv, nodeOptions: string = process.env.NODE_OPTIONS ?? ""): string[] {
  const given = [...execArgv, ...nodeOptions.split(/\s+/)].map((flag) => flag.split("=")[0]);
  return wanted.filter((flag) => !given.includes(flag.split("=")[0]));
}
