/**
 * The Periskope simulator as a separate process for the refresh benchmark, so serving 2,000-chat
 * pages never competes with the code being measured for the same event loop (as a remote API
 * would not).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const MAIN = fileURLToPath(new URL("../../packages/testkit/src/simulator/main.ts", import.meta.url));

export interface SimulatorProcess {
  url: string;
  phones: string[];
  /** Every chat id, from the control API (not an API call, not counted). */
  chatIds(): Promise<string[]>;
  stop(): Promise<void>;
}

export async function startSimulatorProcess(options: { chats: number; seed: string; apiKey: string }): Promise<SimulatorProcess> {
  const child: ChildProcess = spawn(process.execPath, [MAIN], {
    env: { ...process.env, SIMULATOR_PORT: "0", SIMULATOR_CHATS: String(options.chats), SIMULATOR_SEED: options.seed, SIMULATOR_API_KEY: options.apiKey },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const timeout = setTimeout(() => child.kill("SIGKILL"), 30_000);
  try {
    for await (const line of lines) {
      const event = JSON.parse(line) as { event?: string; url?: string; control?: string; phones?: string[] };
      if (event.event === "SimulatorListening" && event.url && event.control) {
        const control = event.control;
        // Keep draining its stdout so the child never blocks on a full pipe.
        lines.on("line", () => {});
        return {
          url: event.url,
          phones: event.phones ?? [],
          async chatIds() {
            const response = await fetch(`${control}/chats`);
            if (!response.ok) throw new Error(`simulator control API: HTTP ${response.status}`);
            return ((await response.json()) as { chat_ids: string[] }).chat_ids;
          },
          async stop() {
            child.kill("SIGTERM");
            if (child.exitCode === null) await once(child, "exit");
          },
        };
      }
    }
    throw new Error("the simulator exited before listening");
  } finally {
    clearTimeout(timeout);
  }
}
