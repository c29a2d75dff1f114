import { spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const MAIN = fileURLToPath(new URL("./main.ts", import.meta.url));

describe("simulator process", () => {
  it("prints its base URL, serves, and exits 0 on SIGTERM", async () => {
    const child = spawn(process.execPath, [MAIN], {
      env: { ...process.env, SIMULATOR_PORT: "0", SIMULATOR_CHATS: "30", SIMULATOR_API_KEY: "sk_proc" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      const lines = createInterface({ input: child.stdout });
      const [first] = (await once(lines, "line")) as [string];
      const started = JSON.parse(first) as { event: string; url: string; control: string };
      expect(started.event).toBe("SimulatorListening");
      expect(started.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
      const res = await fetch(`${started.url}/chats?limit=5`, { headers: { authorization: "Bearer sk_proc", "x-phone": "447700900123" } });
      expect(res.status).toBe(200);
      const stats = (await (await fetch(`${started.control}/stats`)).json()) as { requests: number };
      expect(stats.requests).toBe(1);
      const exited = once(child, "exit");
      child.kill("SIGTERM");
      const [code] = (await exited) as [number | null];
      expect(code).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  });

  it("exits 2 naming a bad setting", async () => {
    const child = spawn(process.execPath, [MAIN], { env: { ...process.env, SIMULATOR_PORT: "nope" }, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = (await once(child, "exit")) as [number | null];
    expect(code).toBe(2);
    expect(stderr).toContain("SIMULATOR_PORT");
  });
});
