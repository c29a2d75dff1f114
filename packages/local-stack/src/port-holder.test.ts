import { createServer, type Server } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { findPortHolder, listeningInodes, portIsFree } from "./port-holder.ts";

describe("listeningInodes", () => {
  const table = [
    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
    "   0: 0100007F:0FAA 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 41234 1 0000000000000000 100 0 0 10 0",
    "   1: 0100007F:0FAA 0100007F:D2B4 01 00000000:00000000 00:00000000 00000000     0        0 41299 1 0000000000000000 20 4 30 10 -1",
    "   2: 00000000:23F0 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 50000 1 0000000000000000 100 0 0 10 0",
  ].join("\n");

  it("finds the listening socket of a port and skips its connections", () => {
    expect(listeningInodes(table, 4010)).toEqual(["41234"]);
    expect(listeningInodes(table, 9200)).toEqual(["50000"]);
    expect(listeningInodes(table, 8080)).toEqual([]);
  });
});

describe("a port held by a listener", () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  it("is not free, and its holder is this process with its command line", async () => {
    server = createServer();
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };

    expect(await portIsFree(port)).toBe(false);
    const holder = findPortHolder(port);
    expect(holder?.pid).toBe(process.pid);
    expect(holder?.command).toContain("node");
  });

  it("is free again, with no holder, once the listener closes", async () => {
    server = createServer();
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    server = undefined;

    expect(await portIsFree(port)).toBe(true);
    expect(findPortHolder(port)).toBeUndefined();
  });
});
