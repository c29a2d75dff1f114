import { afterEach, describe, expect, it } from "vitest";
import { startSimulator, type SimulatorHandle } from "./start.ts";

let sim: SimulatorHandle | undefined;
afterEach(async () => {
  await sim?.close({ graceMs: 0 });
  sim = undefined;
});

const headers = (phone: string) => ({ authorization: "Bearer k", "x-phone": phone });

describe("startSimulator", () => {
  it("serves the API on a free port with /v1 in its url", async () => {
    sim = await startSimulator({ chats: 20 });
    expect(sim.port).toBeGreaterThan(0);
    expect(sim.url).toBe(`http://127.0.0.1:${sim.port}/v1`);
    const res = await fetch(`${sim.url}/chats?offset=0&limit=3`, { headers: headers(sim.phones[0] as string) });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { chats: unknown[] }).chats).toHaveLength(3);
  });

  it("drops the connection before responding", async () => {
    sim = await startSimulator({ chats: 5 });
    sim.failNext({ action: { type: "drop" } });
    await expect(fetch(`${sim.url}/chats`, { headers: headers(sim.phones[0] as string) })).rejects.toThrow();
    const after = await fetch(`${sim.url}/chats`, { headers: headers(sim.phones[0] as string) });
    expect(after.status).toBe(200);
    expect(sim.stats().byRoute.listChats).toEqual({ dropped: 1, "200": 1 });
  });

  it("drops the connection halfway through the body", async () => {
    sim = await startSimulator({ chats: 200 });
    sim.failNext({ action: { type: "drop", phase: "mid-body" } });
    const res = await fetch(`${sim.url}/chats?limit=100`, { headers: headers(sim.phones[0] as string) });
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow();
    expect(sim.stats().byRoute.listChats).toEqual({ dropped: 1 });
  });

  it("serves the control API beside the API", async () => {
    sim = await startSimulator({ chats: 5 });
    const res = await fetch(`${sim.origin}/__control/faults`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ errorRate: 1 }),
    });
    expect(res.status).toBe(200);
    expect(sim.faults().errorRate).toBe(1);
  });

  it("closes even with idle keep-alive connections", async () => {
    sim = await startSimulator({ chats: 5 });
    await (await fetch(`${sim.url}/chats`, { headers: headers(sim.phones[0] as string) })).text();
    const started = performance.now();
    await sim.close();
    sim = undefined;
    expect(performance.now() - started).toBeLessThan(900);
  });
});
