import { readdirSync } from "node:fs";

/** Bench names are the `bench/<name>.ts` files, minus the dispatcher, its helpers and tests. */
export function availableBenches(dir: string): string[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith(".ts") && !file.endsWith(".test.ts"))
    .map((file) => file.slice(0, -".ts".length))
    .filter((name) => name !== "run" && name !== "available-benches")
    .sort();
}
