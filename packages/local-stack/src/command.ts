import { execFile } from "node:child_process";
import { accessSync, constants } from "node:fs";
import path from "node:path";

/** Runs a tool to completion; on failure the error carries the tool's own stderr. */
export function runCommand(command: string, args: readonly string[], options: { cwd?: string } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd: options.cwd, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) {
        reject(new Error(`${command} ${args.join(" ")} failed: ${String(stderr).trim() || error.message}`));
      } else {
        resolve(String(stdout));
      }
    });
  });
}

/** The absolute path of an executable on PATH, like `command -v`. */
export function findOnPath(name: string, pathVar: string = process.env.PATH ?? ""): string | undefined {
  for (const dir of pathVar.split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this folder
    }
  }
  return undefined;
}
