import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { describeTakenPort, firstTakenPort } from "./taken-port.ts";

describe("describeTakenPort", () => {
  const simulator = { variable: "SIMULATOR_PORT", port: 4010, host: "127.0.0.1" };
  const elasticsearch = { variable: "ELASTICSEARCH_URL", port: 9200, host: "127.0.0.1", remedy: "set ELASTICSEARCH_URL to use a cluster elsewhere" };

  it("names the port, the holder's pid and command, and the variable that moves it, in one line", () => {
    expect(describeTakenPort(simulator, { pid: 4242, command: "python3 -m http.server 4010" })).toBe(
      "port 4010 (SIMULATOR_PORT) is taken by pid 4242 (python3 -m http.server 4010); stop it, or set SIMULATOR_PORT to a free port",
    );
  });

  it("says so when the holder is another user's process", () => {
    expect(describeTakenPort(simulator, undefined)).toContain("taken by a process this user cannot see");
  });

  it("offers the remedy a fixed port has instead of moving it", () => {
    expect(describeTakenPort(elasticsearch, { pid: 7, command: "nc -l 9200" })).toBe(
      "port 9200 (ELASTICSEARCH_URL) is taken by pid 7 (nc -l 9200); stop it, or set ELASTICSEARCH_URL to use a cluster elsewhere",
    );
  });
});

describe("firstTakenPort", () => {
  it("finds a port this process listens on and names this process", async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    try {
      const line = await firstTakenPort([{ variable: "PORT", port, host: "127.0.0.1" }]);
      expect(line).toContain(`port ${port} (PORT) is taken by pid ${process.pid} (`);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    expect(await firstTakenPort([{ variable: "PORT", port, host: "127.0.0.1" }])).toBeUndefined();
  });
});
