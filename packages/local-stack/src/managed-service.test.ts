import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ensureService, type ServiceDefinition } from "./managed-service.ts";

describe("ensureService on a port something else holds", () => {
  let dir: string;
  let server: Server;
  afterEach(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  it("names the holder in one line and starts nothing", async () => {
    dir = mkdtempSync(path.join(tmpdir(), "service-"));
    server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    let starts = 0;
    const service: ServiceDefinition = {
      name: "elasticsearch",
      endpoint: `http://127.0.0.1:${port}`,
      port: { port, host: "127.0.0.1", variable: "ELASTICSEARCH_URL", remedy: "set ELASTICSEARCH_URL to use a cluster elsewhere" },
      recordFile: path.join(dir, "es.json"),
      lockFile: path.join(dir, "es.lock"),
      logFile: path.join(dir, "es.log"),
      startTimeoutMs: 1_000,
      isReady: async () => false,
      start: async () => {
        starts += 1;
        throw new Error("must not start");
      },
    };

    await expect(ensureService(service)).rejects.toThrow(
      new RegExp(`^port ${port} \\(ELASTICSEARCH_URL\\) is taken by pid ${process.pid} \\(.*\\); stop it, or set ELASTICSEARCH_URL to use a cluster elsewhere$`),
    );
    expect(starts).toBe(0);
  });
});
