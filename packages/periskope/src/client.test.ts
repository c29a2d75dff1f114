import { startSimulator, type SimulatorHandle } from "@periskope-pipeline/testkit";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createPeriskopeClient, type PeriskopeClientOptions } from "./client.ts";
import { PeriskopeApiError } from "./errors.ts";
import type { AttemptEvent } from "./send.ts";

const API_KEY = "sk_periskope_unit";
let sim: SimulatorHandle;
let phone: string;
let chatId: string;

beforeAll(async () => {
  sim = await startSimulator({ chats: 60, apiKey: API_KEY });
  phone = sim.phones[0] as string;
  chatId = sim.chatIds({ phone, limit: 1 })[0] as string;
});
afterAll(() => sim.close({ graceMs: 0 }));
beforeEach(async () => {
  // Requests a previous test's client abandoned (timeouts, aborts) may still be running on the
  // simulator; let them finish before arming this test's faults.
  sim.setFaults({});
  await sim.idle();
  sim.resetStats();
});

function client(options: Partial<PeriskopeClientOptions> = {}) {
  const attempts: AttemptEvent[] = [];
  const c = createPeriskopeClient({
    baseUrl: sim.url,
    apiKey: API_KEY,
    phone,
    timeoutMs: 2000,
    retry: { baseDelayMs: 5, maxDelayMs: 20, maxAttempts: 5, budgetMs: 10_000 },
    onAttempt: (e) => attempts.push(e),
    ...options,
  });
  return { c, attempts };
}

async function failure(promise: Promise<unknown>): Promise<PeriskopeApiError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PeriskopeApiError);
  return err as PeriskopeApiError;
}

describe("getChat happy path", () => {
  it("returns the chat, sending the key, the phone and the encoded id", async () => {
    const { c, attempts } = client();
    const chat = await c.getChat(chatId);
    expect(chat).toMatchObject({ chat_id: chatId, chat_name: sim.getChat(chatId)?.chat_name, org_phone: `${phone}@c.us` });
    expect(sim.stats().getChatCalls).toEqual({ [chatId]: 1 });
    expect(attempts).toMatchObject([{ operation: "getChat", attempt: 1, status: 200, outcome: "200" }]);
    expect(attempts[0]?.traceId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("accepts the phone as an org_phone (`<digits>@c.us`) per call", async () => {
    const { c } = createClientWithoutPhone();
    expect(await c.getChat(chatId, { phone: `${phone}@c.us` })).toMatchObject({ chat_id: chatId });
  });

  it("parses group members leniently", async () => {
    const group = sim.chatIds({ limit: 60 }).find((id) => id.endsWith("@g.us")) as string;
    const chat = await client().c.getChat(group);
    expect(chat?.chat_type).toBe("group");
    expect(Object.keys(chat?.members ?? {}).length).toBe(chat?.member_count);
  });
});

function createClientWithoutPhone() {
  return client({ phone: undefined });
}

describe("getChat for unknown chats", () => {
  it("returns null on 404 without retrying", async () => {
    const { c, attempts } = client();
    expect(await c.getChat("447000000000@c.us")).toBeNull();
    expect(attempts.map((a) => a.outcome)).toEqual(["404"]);
  });

  it.each(["200-empty", "200-null", "200-without-id"] as const)("returns null for a %s answer", async (mode) => {
    sim.setFaults({ unknownChatResponse: mode });
    expect(await client().c.getChat("447000000000@c.us")).toBeNull();
  });
});

describe("listChats", () => {
  it("pages through the phone's chats with a short last page", async () => {
    const { c } = client();
    const first = await c.listChats({ offset: 0, limit: 20, phone });
    const second = await c.listChats({ offset: 20, limit: 20, phone });
    expect(first).toMatchObject({ from: 1, to: 20, count: 20, skipped: 0 });
    expect(first.chats).toHaveLength(20);
    expect(second.chats).toHaveLength(10);
    expect(new Set([...first.chats, ...second.chats].map((chat) => chat.chat_id)).size).toBe(30);
    expect(second.chats.every((chat) => chat.org_phone === `${phone}@c.us`)).toBe(true);
  });

  it("passes the chat_type filter", async () => {
    const page = await client().c.listChats({ offset: 0, limit: 2000, phone, chatType: "group" });
    expect(page.chats.length).toBeGreaterThan(0);
    expect(page.chats.every((chat) => chat.chat_type === "group")).toBe(true);
  });

  it("rejects limit above 2000 before sending anything", async () => {
    const err = await failure(client().c.listChats({ offset: 0, limit: 2001, phone }));
    expect(err).toMatchObject({ code: "INVALID_REQUEST", retryable: false, attempts: 0 });
    expect(sim.stats().requests).toBe(0);
  });

  it("counts unusable items as skipped instead of failing the page", async () => {
    sim.failNext({ action: { type: "malformed", raw: JSON.stringify({ from: 1, to: 2, count: 2, chats: [{ chat_id: "1@c.us" }, { chat_name: "no id" }] }) } });
    const page = await client().c.listChats({ offset: 0, limit: 2, phone });
    expect(page.chats.map((chat) => chat.chat_id)).toEqual(["1@c.us"]);
    expect(page.skipped).toBe(1);
  });
});

describe("non-retryable errors", () => {
  it("turns a 401 body into a typed error with its code and trace id", async () => {
    const { c, attempts } = client({ apiKey: "sk_wrong" });
    const err = await failure(c.getChat(chatId));
    expect(err).toMatchObject({ status: 401, code: "UNAUTHORIZED_ERROR", retryable: false, attempts: 1, operation: "getChat" });
    expect(err.traceId).toMatch(/^[0-9a-f-]{36}$/);
    expect(err.message).toContain("Invalid API key");
    expect(attempts).toHaveLength(1);
  });

  it("reports the lapsed-plan 401 message", async () => {
    sim.setFaults({ planInactive: true });
    const err = await failure(client().c.listChats({ offset: 0, limit: 10, phone }));
    expect(err.message).toContain("APIs available only for active pro and enterprise plans.");
  });

  it("does not retry a 422 and keeps its field details", async () => {
    const body = { code: "VALIDATION_ERROR", name: "Validation Error", status: 422, message: "Limit should be less than 2000", fields: { limit: { message: "Limit should be less than 2000", value: "5000" } } };
    sim.failNext({ route: "listChats", action: { type: "status", status: 422, body } });
    const err = await failure(client().c.listChats({ offset: 0, limit: 100, phone }));
    expect(err).toMatchObject({ status: 422, code: "VALIDATION_ERROR", retryable: false, attempts: 1, body });
    expect(sim.stats().requests).toBe(1);
  });

  it("does not retry other 4xx", async () => {
    sim.failNext({ action: { type: "status", status: 403, body: { code: "FORBIDDEN", message: "no" } } });
    const err = await failure(client().c.getChat(chatId));
    expect(err).toMatchObject({ status: 403, code: "FORBIDDEN", retryable: false });
    expect(sim.stats().requests).toBe(1);
  });

  it("turns a malformed 2xx into a typed error, not a crash", async () => {
    sim.failNext({ action: { type: "malformed", raw: "<html>oops</html>" } }, { action: { type: "malformed", raw: '{"chat_id": 12345}' } });
    expect(await failure(client().c.getChat(chatId))).toMatchObject({ code: "MALFORMED_RESPONSE", status: 200, retryable: false });
    expect(await failure(client().c.getChat(chatId))).toMatchObject({ code: "MALFORMED_RESPONSE", retryable: false });
    expect(sim.stats().requests).toBe(2);
  });

  it("treats a list whose chats is not an array as malformed", async () => {
    sim.failNext({ action: { type: "malformed", raw: '{"chats": {"a": 1}}' } });
    expect(await failure(client().c.listChats({ offset: 0, limit: 10, phone }))).toMatchObject({ code: "MALFORMED_RESPONSE" });
  });
});

describe("retries", () => {
  it("waits for Retry-After on a 429, then succeeds", async () => {
    sim.failNext({ route: "getChat", action: { type: "rate-limit", seconds: 1 } });
    const { c, attempts } = client();
    const started = performance.now();
    expect(await c.getChat(chatId)).toMatchObject({ chat_id: chatId });
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
    expect(attempts.map((a) => a.outcome)).toEqual(["429", "200"]);
  });

  it("waits for X-RateLimit-Reset when a 429 has no Retry-After", async () => {
    sim.failNext({ route: "listChats", action: { type: "rate-limit", seconds: 1, retryAfter: "none", reset: "delta" } });
    const { c, attempts } = client();
    const started = performance.now();
    await c.listChats({ offset: 0, limit: 5, phone });
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
    expect(attempts.map((a) => a.outcome)).toEqual(["429", "200"]);
  });

  it("reads an epoch X-RateLimit-Reset as a point in time", async () => {
    // The reset lands on the next whole epoch second after now + 0.2 s.
    sim.failNext({ route: "listChats", action: { type: "rate-limit", seconds: 0.2, retryAfter: "none", reset: "epoch" } });
    const { c, attempts } = client();
    const started = performance.now();
    await c.listChats({ offset: 0, limit: 5, phone });
    // Read as seconds from now, an epoch value would be a wait of decades (capped at a minute).
    const waited = performance.now() - started;
    expect(waited).toBeGreaterThan(150);
    expect(waited).toBeLessThan(5000);
    expect(attempts.map((a) => a.outcome)).toEqual(["429", "200"]);
  });

  it("retries a burst of 5xx with backoff, then succeeds", async () => {
    sim.failNext({ route: "getChat", count: 3, action: { type: "status", status: 503 } });
    const { c, attempts } = client();
    expect(await c.getChat(chatId)).toMatchObject({ chat_id: chatId });
    expect(attempts.map((a) => a.outcome)).toEqual(["503", "503", "503", "200"]);
  });

  it("retries a connection dropped before the response", async () => {
    sim.failNext({ action: { type: "drop" } });
    const { c, attempts } = client();
    expect(await c.getChat(chatId)).toMatchObject({ chat_id: chatId });
    expect(attempts.map((a) => a.outcome)).toEqual(["NETWORK_ERROR", "200"]);
    expect(attempts[0]?.status).toBeUndefined();
  });

  it("retries a page whose connection dropped mid-body", async () => {
    sim.failNext({ route: "listChats", action: { type: "drop", phase: "mid-body" } });
    const { c, attempts } = client();
    const page = await c.listChats({ offset: 0, limit: 30, phone });
    expect(page.chats).toHaveLength(30);
    expect(attempts.map((a) => a.outcome)).toEqual(["NETWORK_ERROR", "200"]);
  });

  it("retries a timed-out attempt", async () => {
    sim.failNext({ action: { type: "delay", ms: 1000 } });
    const { c, attempts } = client({ timeoutMs: 300 });
    expect(await c.getChat(chatId)).toMatchObject({ chat_id: chatId });
    expect(attempts.map((a) => a.outcome)).toEqual(["TIMEOUT", "200"]);
  });

  it("gives up after maxAttempts with a retryable typed error", async () => {
    sim.setFaults({ errorRate: 1, errorStatus: 502 });
    const { c, attempts } = client({ retry: { baseDelayMs: 1, maxDelayMs: 5, maxAttempts: 3, budgetMs: 10_000 } });
    const err = await failure(c.getChat(chatId));
    expect(err).toMatchObject({ status: 502, code: "INTERNAL_SERVER_ERROR", retryable: true, attempts: 3 });
    expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3]);
    expect(sim.stats().getChatCalls[chatId]).toBe(3);
  });

  it("gives up when the time budget is spent", async () => {
    sim.setFaults({ errorRate: 1, latencyMs: 50 });
    const { c } = client({ retry: { baseDelayMs: 20, maxDelayMs: 40, maxAttempts: 100, budgetMs: 400 } });
    const started = performance.now();
    const err = await failure(c.getChat(chatId));
    // 100 attempts at >= 50 ms each would take 5 s; the 400 ms budget must cut that short.
    expect(performance.now() - started).toBeLessThan(3000);
    expect(err.retryable).toBe(true);
    expect(err.attempts).toBeGreaterThan(1);
    expect(err.attempts).toBeLessThan(100);
  });

  it("fails at once when Retry-After reaches past the budget, carrying the advised wait", async () => {
    sim.failNext({ action: { type: "rate-limit", seconds: 30 } });
    const { c } = client({ retry: { budgetMs: 2000 } });
    const started = performance.now();
    const err = await failure(c.getChat(chatId));
    expect(performance.now() - started).toBeLessThan(5000);
    expect(err).toMatchObject({ status: 429, retryable: true, retryAfterMs: 30_000, attempts: 1 });
  });

  it("pauses other calls of the same client while the server asks for a pause", async () => {
    const other = sim.chatIds({ phone, limit: 2 })[1] as string;
    sim.failNext({ route: "getChat", chatId, action: { type: "rate-limit", seconds: 1 } });
    const { c, attempts } = client();
    const first = c.getChat(chatId);
    await vi.waitUntil(() => attempts.length > 0, { timeout: 5000 });
    const started = performance.now();
    await c.getChat(other);
    expect(performance.now() - started).toBeGreaterThanOrEqual(700);
    await first;
  });

  it("survives a throwing onAttempt hook", async () => {
    const c = createPeriskopeClient({ baseUrl: sim.url, apiKey: API_KEY, phone, onAttempt: () => { throw new Error("metrics down"); } });
    expect(await c.getChat(chatId)).toMatchObject({ chat_id: chatId });
  });
});

describe("circuit breaker", () => {
  const fastFailing = { retry: { baseDelayMs: 1, maxDelayMs: 5, maxAttempts: 2, budgetMs: 5_000 }, breaker: { failures: 2, cooldownMs: 300 } };

  it("opens after consecutive retryable failures, fails fast, then closes on a good probe", async () => {
    sim.setFaults({ errorRate: 1, errorStatus: 503 });
    const { c } = client(fastFailing);
    const states: string[] = [];
    c.onCircuitStateChange((state) => states.push(state));
    await failure(c.getChat(chatId));
    await failure(c.getChat(chatId));
    expect(states).toEqual(["open"]);
    const requests = sim.stats().requests;
    expect(await failure(c.listChats({ offset: 0, limit: 5, phone }))).toMatchObject({ code: "CIRCUIT_OPEN", retryable: true, attempts: 0 });
    expect(sim.stats().requests).toBe(requests);

    sim.setFaults({});
    await vi.waitUntil(async () => (await c.getChat(chatId).catch(() => null)) !== null, { timeout: 5_000, interval: 50 });
    expect(states).toEqual(["open", "half-open", "closed"]);
  });

  it("does not count answers that are not outages (4xx, malformed) or aborts", async () => {
    const { c } = client({ ...fastFailing, apiKey: "sk_wrong" });
    for (let i = 0; i < 4; i++) expect(await failure(c.getChat(chatId))).toMatchObject({ status: 401 });
    sim.failNext({ action: { type: "malformed", raw: "<html>" } }, { action: { type: "malformed", raw: "<html>" } });
    const good = client(fastFailing).c;
    await failure(good.getChat(chatId));
    await failure(good.getChat(chatId));
    const aborted = new AbortController();
    aborted.abort();
    await failure(good.getChat(chatId, { signal: aborted.signal }));
    expect(await good.getChat(chatId)).toMatchObject({ chat_id: chatId });
    expect(await failure(c.getChat(chatId))).toMatchObject({ status: 401 });
  });
});

describe("one client, many callers", () => {
  it("a 429 seen by a listing pauses the next lookup", async () => {
    sim.failNext({ route: "listChats", action: { type: "rate-limit", seconds: 2 } });
    const { c, attempts } = client();
    const listing = c.listChats({ offset: 0, limit: 5, phone });
    await vi.waitUntil(() => attempts.length > 0, { timeout: 5000 });
    const started = performance.now();
    await c.getChat(chatId);
    expect(performance.now() - started).toBeGreaterThanOrEqual(1_000);
    await listing;
  });

  it("reports each call's attempts to that call's listener too", async () => {
    sim.failNext({ route: "listChats", action: { type: "status", status: 503 } });
    const { c, attempts } = client();
    const mine: string[] = [];
    await c.listChats({ offset: 0, limit: 5, phone, onAttempt: (e) => mine.push(e.outcome) });
    await c.getChat(chatId);
    expect(mine).toEqual(["503", "200"]);
    expect(attempts.map((a) => a.outcome)).toEqual(["503", "200", "200"]);
  });
});

describe("abort", () => {
  it("aborts while waiting to retry", async () => {
    sim.failNext({ action: { type: "rate-limit", seconds: 5 } });
    const { c } = client();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = performance.now();
    const err = await failure(c.getChat(chatId, { signal: controller.signal }));
    expect(performance.now() - started).toBeLessThan(4000);
    expect(err).toMatchObject({ code: "ABORTED", retryable: false, attempts: 1 });
  });

  // Last in the file: the abandoned request keeps the simulator busy for seconds afterwards.
  it("aborts an in-flight attempt without retrying", async () => {
    sim.setFaults({ latencyMs: 5000 });
    const { c, attempts } = client({ timeoutMs: 10_000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const started = performance.now();
    const err = await failure(c.getChat(chatId, { signal: controller.signal }));
    expect(performance.now() - started).toBeLessThan(4000);
    expect(err).toMatchObject({ code: "ABORTED", retryable: false });
    expect(attempts.map((a) => a.outcome)).toEqual(["ABORTED"]);
  });
});
