import { readFileSync } from "node:fs";

/** The last lines of a service's log, for error messages when it fails to start. */
export function logTail(file: string, lines = 20): string {
  try {
    return readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return `(no log at ${file})`;
  }
}
