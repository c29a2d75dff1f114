import { describe, expect, it } from "vitest";
import { createSimulatorApp } from "./app.ts";
import { SimulatorController, type SimulatorOptions } from "./controller.ts";

type ListBody = { from: number; to: number; count: number; chats: { chat_id: string; chat_type: string }[] };
const listBody = async (res: Response) => (await res.json()) as ListBody;

const KEY = "sk_periskope_test";
const PHONE = "447700900123";

function setup(options: SimulatorOptions = {}) {
  const sim = new SimulatorController({ chats: 40, apiKey: KEY, ...options });
  const app = createSimulatorApp(sim);
  const get = (path: string, headers: Record<string, string> = {}) =>
    app.request(path, { headers: { authorization: `Bearer ${KEY}`, "x-phone": PHONE, ...headers } });
  return { sim, app, get };
}

describe("authentication", () => {
  it("answers 401 UNAUTHORIZED_ERROR without a Bearer key", async () => {
    const { app } = setup();
    const res = await app.request("/v1/chats", { headers: { "x-phone": PHONE } });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ code: "UNAUTHORIZED_ERROR", message: expect.any(String) });
  });

  it("answers 401 for a wrong key", async () => {
    const { get } = setup();
    expect((await get("/v1/chats", { authorization: "Bearer nope" })).status).toBe(401);
  });

  it("accepts any key when none is configured", async () => {
    const { get } = setup({ apiKey: undefined });
    expect((await get("/v1/chats", { authorization: "Bearer anything" })).status).toBe(200);
  });

  it("answers 401 without x-phone or for a phone the org does not have", async () => {
    const { get } = setup();
    expect((await get("/v1/chats", { "x-phone": "" })).status).toBe(401);
    expect((await get("/v1/chats", { "x-phone": "15550000000" })).status).toBe(401);
  });

  it("answers the lapsed-plan 401 when the plan is inactive", async () => {
    const { get } = setup({ faults: { planInactive: true } });
    const res = await get("/v1/chats");
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ code: "UNAUTHORIZED_ERROR", message: "APIs available only for active pro and enterprise plans." });
  });
});

describe("GET /v1/chats/{chat_id}", () => {
  it("returns the bare chat object for an encoded or literal @", async () => {
    const { sim, get } = setup();
    const id = sim.chatIds({ limit: 1 })[0] as string;
    const encoded = await get(`/v1/chats/${encodeURIComponent(id)}`);
    const literal = await get(`/v1/chats/${id}`);
    expect(encoded.status).toBe(200);
    const chat = await encoded.json();
    expect(chat).toMatchObject({ chat_id: id, chat_name: expect.any(String), org_phone: `${PHONE}@c.us` });
    expect(await literal.json()).toEqual(chat);
  });

  it("stamps trace, org and rate-limit headers", async () => {
    const { sim, get } = setup();
    const res = await get(`/v1/chats/${sim.chatIds({ limit: 1 })[0]}`);
    expect(res.headers.get("x-periskope-trace-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.get("x-periskope-org-id")).toBe(sim.orgId);
    for (const h of ["x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset"]) expect(res.headers.get(h)).toMatch(/^\d+$/);
  });

  it("answers 404 with a JSON error for an unknown chat", async () => {
    const { get } = setup();
    const res = await get("/v1/chats/999999999999@c.us");
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ code: "NOT_FOUND_ERROR" });
  });

  it("can answer unknown chats with an empty 200 instead", async () => {
    const { get } = setup({ faults: { unknownChatResponse: "200-empty" } });
    const res = await get("/v1/chats/999999999999@c.us");
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("");
  });

  it("denies knowing chats listed as unknown", async () => {
    const { sim, get } = setup();
    const id = sim.chatIds({ limit: 1 })[0] as string;
    sim.setFaults({ unknownChatIds: [id] });
    expect((await get(`/v1/chats/${id}`)).status).toBe(404);
  });

  it("finds chats of any org phone unless scoped to x-phone", async () => {
    const other = "919812300456";
    const open = setup();
    const id = open.sim.chatIds({ phone: other, limit: 1 })[0] as string;
    expect((await open.get(`/v1/chats/${id}`)).status).toBe(200);
    const scoped = setup({ scopeGetChatToPhone: true });
    expect((await scoped.get(`/v1/chats/${id}`)).status).toBe(404);
    expect((await scoped.get(`/v1/chats/${id}`, { "x-phone": other })).status).toBe(200);
  });
});

describe("GET /v1/chats", () => {
  it("pages by item offset with 1-based inclusive from/to and a short last page", async () => {
    const { get } = setup();
    const first = await listBody(await get("/v1/chats?offset=0&limit=15"));
    const last = await listBody(await get("/v1/chats?offset=15&limit=15"));
    expect(first).toMatchObject({ from: 1, to: 15, count: 15 });
    expect(first.chats).toHaveLength(15);
    // 40 chats over two phones: 20 on this one.
    expect(last).toMatchObject({ from: 16, to: 20, count: 5 });
    const ids = [...first.chats, ...last.chats].map((c) => c.chat_id);
    expect(new Set(ids).size).toBe(20);
  });

  it("accepts limit=2000 and rejects 2001 with the documented 422 body", async () => {
    const { get } = setup();
    expect((await get("/v1/chats?offset=0&limit=2000")).status).toBe(200);
    const res = await get("/v1/chats?offset=0&limit=5000");
    expect(res.status).toBe(422);
    expect(await res.json()).toEqual({
      code: "VALIDATION_ERROR",
      name: "Validation Error",
      status: 422,
      message: "Limit should be less than 2000",
      fields: { limit: { message: "Limit should be less than 2000", value: "5000" } },
    });
  });

  it("rejects a negative or non-numeric offset", async () => {
    const { get } = setup();
    expect((await get("/v1/chats?offset=-1")).status).toBe(422);
    expect((await get("/v1/chats?offset=abc")).status).toBe(422);
  });

  it("filters by chat_type, accepting `individual` for user chats", async () => {
    const { get } = setup({ chats: 200 });
    const groups = await listBody(await get("/v1/chats?chat_type=group"));
    const users = await listBody(await get("/v1/chats?chat_type=individual"));
    expect(groups.chats.length).toBeGreaterThan(0);
    expect(groups.chats.every((c) => c.chat_type === "group")).toBe(true);
    expect(users.chats.every((c) => c.chat_type === "user")).toBe(true);
    expect((await get("/v1/chats?chat_type=channel")).status).toBe(422);
  });
});

describe("faults", () => {
  it("answers one-shot statuses with their headers, then recovers", async () => {
    const { sim, get } = setup();
    sim.failNext({ route: "listChats", count: 2, action: { type: "status", status: 502, body: { code: "BAD_GATEWAY", message: "x" } } });
    expect((await get("/v1/chats")).status).toBe(502);
    expect((await get("/v1/chats")).status).toBe(502);
    expect((await get("/v1/chats")).status).toBe(200);
  });

  it("sends 429 with Retry-After in seconds or as an HTTP date", async () => {
    const { sim, get } = setup();
    sim.failNext({ action: { type: "rate-limit", seconds: 2 } }, { action: { type: "rate-limit", seconds: 2, retryAfter: "http-date" } });
    const a = await get("/v1/chats");
    expect(a.status).toBe(429);
    expect(a.headers.get("retry-after")).toBe("2");
    expect(a.headers.get("x-ratelimit-remaining")).toBe("0");
    const b = await get("/v1/chats");
    expect(Date.parse(b.headers.get("retry-after") ?? "")).toBeGreaterThan(Date.now());
  });

  it("sends 429 with only X-RateLimit-Reset, as epoch seconds or seconds from now", async () => {
    const { sim, get } = setup();
    sim.failNext({ action: { type: "rate-limit", seconds: 3, retryAfter: "none" } }, { action: { type: "rate-limit", seconds: 3, retryAfter: "none", reset: "delta" } });
    const epoch = await get("/v1/chats");
    expect(epoch.headers.get("retry-after")).toBeNull();
    expect(Number(epoch.headers.get("x-ratelimit-reset"))).toBeGreaterThan(Date.now() / 1000);
    const delta = await get("/v1/chats");
    expect(delta.headers.get("x-ratelimit-reset")).toBe("3");
  });

  it("enforces a token bucket with real 429s", async () => {
    const { get } = setup({ faults: { tokenBucket: { capacity: 3, refillPerSecond: 0.001 } } });
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await get("/v1/chats?limit=1")).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
  });

  it("serves a malformed 200 body", async () => {
    const { sim, get } = setup();
    sim.failNext({ action: { type: "malformed", raw: "{not json" } });
    const res = await get("/v1/chats");
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("{not json");
  });

  it("adds latency", async () => {
    const { get } = setup({ faults: { latencyMs: 60 } });
    const started = performance.now();
    await get("/v1/chats?limit=1");
    expect(performance.now() - started).toBeGreaterThanOrEqual(55);
  });
});

describe("stats", () => {
  it("counts calls per chat id and per route and outcome", async () => {
    const { sim, get } = setup();
    const [a, b] = sim.chatIds({ limit: 2 }) as [string, string];
    sim.failNext({ route: "getChat", chatId: b, action: { type: "status", status: 503 } });
    await get(`/v1/chats/${a}`);
    await get(`/v1/chats/${encodeURIComponent(b)}`);
    await get(`/v1/chats/${b}`);
    await get("/v1/chats");
    await get("/v1/nothing-here");
    const stats = sim.stats();
    expect(stats.getChatCalls).toEqual({ [a]: 1, [b]: 2 });
    expect(stats.getChatMaxPerChat).toBe(2);
    expect(stats.byRoute).toEqual({ getChat: { "200": 2, "503": 1 }, listChats: { "200": 1 }, unmatched: { "404": 1 } });
    expect(stats.listChatsCalls).toEqual({ [PHONE]: 1 });
    expect(stats.requests).toBe(5);
    sim.resetStats();
    expect(sim.stats().requests).toBe(0);
  });
});
