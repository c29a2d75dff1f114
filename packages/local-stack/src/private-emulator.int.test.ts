import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "./free-port.ts";
import { startPrivateEmulator, type PrivateEmulator } from "./private-emulator.ts";
import { groupIsStopped } from "./proc-stat.ts";
import { pubsubEmulatorAnswers } from "./probes.ts";

describe("a private Pub/Sub emulator", () => {
  let emulator: PrivateEmulator;

  beforeAll(async () => {
    emulator = await startPrivateEmulator();
  }, 120_000);

  afterAll(async () => {
    await emulator?.stop();
  });

  it("answers once started, and not at all while frozen", async () => {
    expect(await pubsubEmulatorAnswers(emulator.host, 5_000)).toBe(true);
    await emulator.freeze();
    try {
      expect(groupIsStopped(emulator.pgid())).toBe(true);
      expect(await pubsubEmulatorAnswers(emulator.host, 500)).toBe(false);
    } finally {
      emulator.thaw();
    }
    expect(groupIsStopped(emulator.pgid())).toBe(false);
    expect(await pubsubEmulatorAnswers(emulator.host, 5_000)).toBe(true);
  });

  it("refuses to start on a port something else answers on, rather than report that as itself", async () => {
    const port = await freePort();
    const impostor: Server = createServer((_request, response) => response.end("Ok")).listen(port, "127.0.0.1");
    await new Promise((resolve) => impostor.once("listening", resolve));
    try {
      expect(await pubsubEmulatorAnswers(`127.0.0.1:${port}`, 2_000)).toBe(true);
      await expect(startPrivateEmulator({ port })).rejects.toThrow(/port is taken/);
    } finally {
      await new Promise((resolve) => impostor.close(resolve));
    }
  }, 120_000);
});
