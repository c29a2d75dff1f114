/**
 * `npm run bench -- <name> [args]`: runs `bench/<name>.ts` with the given arguments on this
 * Node, passing its exit status through. An unknown or missing name lists the benches (exit 2).
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { availableBenches } from "./available-benches.ts";

const [name, ...args] = process.argv.slice(2);
const benches = availableBenches(import.meta.dirname);

if (name === undefined || !benches.includes(name)) {
  if (name !== undefined) process.stderr.write(`unknown bench: ${name}\n`);
  process.stderr.write(`usage: npm run bench -- <name> [args]\navailable: ${benches.length > 0 ? benches.join(", ") : "(none yet)"}\n`);
  process.exit(2);
}

const child = spawn(process.execPath, [path.join(import.meta.dirname, `${name}.ts`), ...args], { stdio: "inherit" });
// Ctrl-C reaches the bench directly (same process group), so it can stop and report: just wait.
process.on("SIGINT", () => {});
process.on("SIGTERM", () => child.kill("SIGTERM"));
child.once("exit", (code, signal) => {
  process.exitCode = code ?? (signal === "SIGINT" ? 130 : 143);
});
