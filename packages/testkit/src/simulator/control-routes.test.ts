import { describe, expect, it } from "vitest";
import { createSimulatorApp } from "./app.ts";
import { SimulatorController } from "./controller.ts";

const PHONE = "447700900123";

function setup() {
  const sim = new SimulatorController({ chats: 10, faults: { latencyMs: 0, errorRate: 0 } });
  const app = createSimulatorApp(sim);
  const send = (method: string, path: string, body?: unknown) =>
    app.request(`/__control${path}`, { method, headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  const api = (path: string) => app.request(path, { headers: { authorization: "Bearer k", "x-phone": PHONE } });
  return { sim, send, api };
}

describe("/__control", () => {
  it("reports health and stats", async () => {
    const { send, api } = setup();
    await api("/v1/chats");
    expect(await (await send("GET", "/health")).json()).toMatchObject({ ok: true, chats: 10, phones: [PHONE, "919812300456"] });
    expect(await (await send("GET", "/stats")).json()).toMatchObject({ requests: 1, byRoute: { listChats: { "200": 1 } } });
  });

  it("replaces faults, which then apply to the API", async () => {
    const { send, api } = setup();
    const res = await send("POST", "/faults", { errorRate: 1, errorStatus: 500 });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ errorRate: 1, errorStatus: 500, dropRate: 0 });
    expect((await api("/v1/chats")).status).toBe(500);
  });

  it("rejects unknown fault fields with a 400 naming them", async () => {
    const { send } = setup();
    const res = await send("POST", "/faults", { errorRat: 1 });
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toContain("errorRat");
  });

  it("queues one-shot faults", async () => {
    const { send, api } = setup();
    const res = await send("POST", "/faults/fail-next", [{ route: "listChats", count: 1, action: { type: "status", status: 503 } }]);
    expect(((await res.json()) as { failNext: unknown[] }).failNext).toHaveLength(1);
    expect((await api("/v1/chats")).status).toBe(503);
    expect((await api("/v1/chats")).status).toBe(200);
  });

  it("resets stats and faults, and chats only when asked", async () => {
    const { sim, send, api } = setup();
    const id = sim.chatIds({ limit: 1 })[0] as string;
    sim.renameChat(id, "Edited");
    await send("POST", "/faults", { errorRate: 1 });
    await api("/v1/chats");
    expect((await send("POST", "/reset")).status).toBe(200);
    expect(sim.stats().requests).toBe(0);
    expect(sim.faults().errorRate).toBe(0);
    expect(sim.store.get(id)?.chat_name).toBe("Edited");
    await send("POST", "/reset", { chats: true });
    expect(sim.store.get(id)?.chat_name).not.toBe("Edited");
  });

  it("upserts, renames, reads and removes chats", async () => {
    const { send, api } = setup();
    const put = await send("PUT", "/chats", { phone: PHONE, chat: { chat_id: "120363400000000009@g.us", chat_name: "Q3 Launch" } });
    expect(put.status).toBe(200);
    expect(await (await api("/v1/chats/120363400000000009%40g.us")).json()).toMatchObject({ chat_name: "Q3 Launch", chat_type: "group" });
    const renamed = await send("PATCH", "/chats/120363400000000009@g.us", { chat_name: "Q3 Launch (done)" });
    expect(await renamed.json()).toMatchObject({ chat_name: "Q3 Launch (done)" });
    expect(await (await send("GET", "/chats/120363400000000009@g.us")).json()).toMatchObject({ chat_name: "Q3 Launch (done)" });
    expect((await send("DELETE", "/chats/120363400000000009@g.us")).status).toBe(204);
    expect((await api("/v1/chats/120363400000000009@g.us")).status).toBe(404);
    expect((await send("DELETE", "/chats/120363400000000009@g.us")).status).toBe(404);
  });

  it("rejects upserts for unknown phones and malformed bodies", async () => {
    const { send } = setup();
    expect((await send("PUT", "/chats", { phone: "15550000000", chat: { chat_id: "1@c.us" } })).status).toBe(400);
    expect((await send("PUT", "/chats", { phone: PHONE })).status).toBe(400);
    const notJson = await send("POST", "/faults", undefined);
    expect(notJson.status).toBe(400);
  });

  it("lists chat ids in list order", async () => {
    const { sim, send } = setup();
    const res = await send("GET", `/chats?phone=${PHONE}&limit=3`);
    expect(((await res.json()) as { chat_ids: string[] }).chat_ids).toEqual(sim.chatIds({ phone: PHONE, limit: 3 }));
  });
});
