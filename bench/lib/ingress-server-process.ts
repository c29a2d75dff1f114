/**
 * A server under test in the ingress bench: a child process on this Node, whose address comes
 * from its `ServerListening` log line, and whose resident memory is sampled while wrk runs.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";

export interface ServerProcess {
  readonly url: string;
  readonly pid: number;
  /** Samples VmRSS every 100 ms until stopped; resolves with the peak in bytes. */
  sampleRss(): { stop(): number };
  stop(): Promise<void>;
}

function rssBytes(pid: number): number {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
}

/** Servers still running; killed when the bench exits, whatever happened. */
const running = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

export async function startServerProcess(script: string, env: Record<string, string>, nodeFlags: readonly string[] = []): Promise<ServerProcess> {
  const child: ChildProcess = spawn(process.execPath, [...nodeFlags, script], { env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (stderr = (stderr + chunk).slice(-4_000)));
  running.add(child);
  const exited = new Promise<void>((resolve) =>
    child.once("exit", () => {
      running.delete(child);
      resolve();
    }),
  );
  const url = await new Promise<string>((resolve, reject) => {
    let buffered = "";
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      buffered += chunk;
      for (let newline = buffered.indexOf("\n"); newline >= 0; newline = buffered.indexOf("\n")) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        try {
          const entry = JSON.parse(line) as { event?: string; url?: string };
          if (entry.event === "ServerListening" && entry.url) resolve(entry.url);
        } catch {
          // not a log line
        }
      }
    });
    void exited.then(() => reject(new Error(`${script} exited before listening: ${stderr}`)));
    setTimeout(() => reject(new Error(`${script} did not listen within 30 s: ${stderr}`)), 30_000).unref();
  });
  const pid = child.pid as number;
  return {
    url,
    pid,
    sampleRss() {
      let peak = rssBytes(pid);
      const timer = setInterval(() => (peak = Math.max(peak, rssBytes(pid))), 100);
      return {
        stop() {
          clearInterval(timer);
          return Math.max(peak, rssBytes(pid));
        },
      };
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      const killer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      await exited;
      clearTimeout(killer);
    },
  };
}
