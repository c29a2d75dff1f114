import { parseCommandMessage, type CommandRun } from "@periskope-pipeline/commands";
import { messageCreated, toRawBody } from "@periskope-pipeline/testkit";
import { describe, expect, it } from "vitest";
import { ADMIN_TOKEN, createTestApp, SIGNING_KEY, type TestApp } from "../test/support/test-app.ts";

const OPS_ROUTES = [
  ["GET", "/refresh-cache"],
  ["POST", "/commands"],
  ["GET", "/commands/abc"],
] as const;

const commandBody = JSON.stringify({ type: "backfill-chat-names", args: { chat_id: "120363400000000001@g.us" } });
const jsonPost = (body: string, headers: Record<string, string> = {}): RequestInit => ({ method: "POST", body, headers: { "content-type": "application/json", ...headers } });
/** A request to an ops route; only POST carries the command body. */
const opsRequest = (method: "GET" | "POST", headers: Record<string, string> = {}): RequestInit =>
  method === "POST" ? jsonPost(commandBody, headers) : { method, headers };

async function errorCode(response: Response): Promise<string> {
  return ((await response.json()) as { error: { code: string } }).error.code;
}

describe("ops routes are behind ADMIN_TOKEN", () => {
  it.each(OPS_ROUTES)("%s %s is disabled (403) when no token is configured, even with a bearer header", async (method, path) => {
    const t = createTestApp({ env: { ADMIN_TOKEN: undefined } });
    const response = await t.app.request(path, opsRequest(method, { authorization: "Bearer anything" }));
    expect(response.status).toBe(403);
    expect(await errorCode(response)).toBe("ops_disabled");
    expect(t.commands.messages).toHaveLength(0);
  });

  it.each(OPS_ROUTES)("%s %s needs a bearer token (401 with a challenge)", async (method, path) => {
    const t = createTestApp();
    const response = await t.app.request(path, opsRequest(method));
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(await errorCode(response)).toBe("unauthorized");
    expect(t.commands.messages).toHaveLength(0);
  });

  it.each([
    ["a wrong token", `Bearer ${ADMIN_TOKEN}x`, "invalid_token"],
    ["a prefix of the token", `Bearer ${ADMIN_TOKEN.slice(0, 10)}`, "invalid_token"],
    ["another scheme", `Basic ${Buffer.from(`admin:${ADMIN_TOKEN}`).toString("base64")}`, "unauthorized"],
    ["the signing key", `Bearer ${SIGNING_KEY}`, "invalid_token"],
  ])("refuses %s with 401", async (_name, authorization, code) => {
    const t = createTestApp();
    const response = await t.app.request("/commands", jsonPost(commandBody, { authorization }));
    expect(response.status).toBe(401);
    expect(await errorCode(response)).toBe(code);
    expect(t.commands.messages).toHaveLength(0);
  });
});

describe("refused admin calls are counted and logged, without the token", () => {
  it("counts each refusal by reason and logs it with the path", async () => {
    const t = createTestApp();
    await t.app.request("/commands", jsonPost(commandBody));
    await t.app.request("/commands", jsonPost(commandBody, { authorization: "Bearer a-guess-at-the-admin-token-0123456789" }));
    await t.app.request("/refresh-cache", { headers: { authorization: "Bearer a-guess-at-the-admin-token-0123456789" } });
    const text = await (await t.app.request("/metrics")).text();
    expect(text).toMatch(/ingress_admin_auth_failures_total\{reason="missing",service="ingress"\} 1/);
    expect(text).toMatch(/ingress_admin_auth_failures_total\{reason="invalid",service="ingress"\} 2/);
    const refusals = t.logLines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.event === "AdminAuthFailed");
    expect(refusals.map((line) => line.path)).toEqual(["/commands", "/commands", "/refresh-cache"]);
    expect(t.logLines.join("\n")).not.toContain("a-guess-at-the-admin-token");
  });
});

describe("POST /commands", () => {
  it("publishes a valid command with a command_type attribute and answers 202 with its id", async () => {
    const t = createTestApp();
    const response = await t.admin("/commands", jsonPost(commandBody));
    expect(response.status).toBe(202);
    const body = (await response.json()) as { status: string; command_id: string; type: string };
    expect(body).toMatchObject({ status: "accepted", type: "backfill-chat-names" });
    const [published] = t.commands.messages;
    expect(published?.attributes).toEqual({ command_type: "backfill-chat-names" });
    const message = parseCommandMessage(JSON.parse(published?.data.toString("utf8") ?? ""));
    expect(message.success).toBe(true);
    expect(message.data).toMatchObject({ command_id: body.command_id, type: "backfill-chat-names", args: { chat_id: "120363400000000001@g.us" } });
    expect(t.events.messages).toHaveLength(0);
  });

  it.each([
    ["an unknown type", JSON.stringify({ type: "drop-index", args: {} }), 400, "invalid_command"],
    ["unknown arguments", JSON.stringify({ type: "refresh-cache", args: { force: true } }), 400, "invalid_command"],
    ["broken JSON", '{"type":', 400, "invalid_json"],
  ])("refuses %s without publishing", async (_name, body, status, code) => {
    const t = createTestApp();
    const response = await t.admin("/commands", jsonPost(body));
    expect(response.status).toBe(status);
    expect(await errorCode(response)).toBe(code);
    expect(t.commands.messages).toHaveLength(0);
  });

  it("503 with Retry-After when the commands topic is unavailable", async () => {
    const t = createTestApp();
    t.commands.failWith("unavailable");
    const response = await t.admin("/commands", jsonPost(commandBody));
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(await errorCode(response)).toBe("command_not_queued");
  });
});

describe("GET /commands/:id", () => {
  const run = (id: string, extra: Partial<CommandRun> = {}): CommandRun => ({
    command_id: id,
    type: "refresh-cache",
    args: {},
    status: "running",
    requested_at: "2025-06-19T10:00:00.000Z",
    ...extra,
  });

  it("404 until the worker wrote a run record, then the record", async () => {
    const t = createTestApp();
    const missing = await t.admin("/commands/cmd-1");
    expect(missing.status).toBe(404);
    expect(await errorCode(missing)).toBe("command_not_found");
    t.runs.put(run("cmd-1"));
    const found = await t.admin("/commands/cmd-1");
    expect(found.status).toBe(200);
    expect(await found.json()).toEqual(run("cmd-1"));
  });

  it("400 for an id outside the command id alphabet", async () => {
    const t = createTestApp();
    const response = await t.admin(`/commands/${encodeURIComponent("a b")}`);
    expect(response.status).toBe(400);
    expect(await errorCode(response)).toBe("invalid_command_id");
  });
});

describe("GET /refresh-cache (compatibility with the original cron jobs)", () => {
  async function publishedCommandId(t: TestApp): Promise<string> {
    for (let i = 0; i < 100 && t.commands.messages.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
    return JSON.parse(t.commands.messages[0]?.data.toString("utf8") ?? "{}").command_id;
  }

  const succeeded = (id: string): CommandRun => ({
    command_id: id,
    type: "refresh-cache",
    args: {},
    status: "succeeded",
    requested_at: new Date().toISOString(),
    stats: { total_chats: 120, newly_cached: 20, already_cached: 100, renamed: 3, unnamed: 2, pages: 1, api_calls: 1, duration_ms: 900, dry_run: false },
  });

  it("with ?wait=0 publishes a refresh-cache command and answers 202 at once with its id and where to poll", async () => {
    const t = createTestApp();
    const response = await t.admin("/refresh-cache?wait=0");
    expect(response.status).toBe(202);
    const body = (await response.json()) as { status: string; command_id: string; poll: string };
    expect(body).toEqual({ status: "accepted", command_id: body.command_id, poll: `/commands/${body.command_id}` });
    expect(response.headers.get("x-command-id")).toBe(body.command_id);
    expect(await publishedCommandId(t)).toBe(body.command_id);
    expect(t.commands.messages[0]?.attributes.command_type).toBe("refresh-cache");
  });

  it("by default waits for the run and answers the original shape, the run's other counters beside it", async () => {
    const t = createTestApp({ env: { COMMAND_POLL_INTERVAL_MS: "50" } });
    const pending = t.admin("/refresh-cache");
    const id = await publishedCommandId(t);
    t.runs.put({ command_id: id, type: "refresh-cache", args: {}, status: "running", requested_at: new Date().toISOString() });
    await new Promise((r) => setTimeout(r, 120));
    t.runs.put(succeeded(id));
    const response = await pending;
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "success", total_chats: 120, newly_cached: 20, already_cached: 100, renamed: 3, unnamed: 2, pages: 1, api_calls: 1, duration_ms: 900, dry_run: false });
  });

  it("follows a joined run: a refresh arriving while another runs answers with that run's stats", async () => {
    const t = createTestApp({ env: { COMMAND_POLL_INTERVAL_MS: "50" } });
    const pending = t.admin("/refresh-cache?wait=5");
    const id = await publishedCommandId(t);
    t.runs.put({ command_id: "running-one", type: "refresh-cache", args: {}, status: "running", requested_at: new Date().toISOString() });
    t.runs.put({ command_id: id, type: "refresh-cache", args: {}, status: "joined", joined_command_id: "running-one", requested_at: new Date().toISOString() });
    await new Promise((r) => setTimeout(r, 120));
    t.runs.put(succeeded("running-one"));
    const response = await pending;
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: "success", total_chats: 120, newly_cached: 20, already_cached: 100 });
  });

  it("answers 502 with the run's error when it failed", async () => {
    const t = createTestApp({ env: { COMMAND_POLL_INTERVAL_MS: "50" } });
    const pending = t.admin("/refresh-cache?wait=5");
    const id = await publishedCommandId(t);
    t.runs.put({ command_id: id, type: "refresh-cache", args: {}, status: "failed", requested_at: new Date().toISOString(), error: { code: "periskope_unavailable", message: "API down" } });
    const response = await pending;
    expect(response.status).toBe(502);
    expect(await response.json()).toEqual({ status: "error", command_id: id, error: { code: "periskope_unavailable", message: "API down" } });
  });

  it("answers 202 with the run status and where to poll when the run did not finish within REFRESH_CACHE_WAIT_SECONDS", async () => {
    const t = createTestApp({ env: { COMMAND_POLL_INTERVAL_MS: "50", REFRESH_CACHE_WAIT_SECONDS: "1" } });
    const started = Date.now();
    const response = await t.admin("/refresh-cache");
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(response.status).toBe(202);
    const id = await publishedCommandId(t);
    expect(await response.json()).toEqual({ status: "accepted", command_id: id, run_status: "unknown", poll: `/commands/${id}` });
  });

  it.each(["abc", "-1", "1.5", "99999"])("400 for ?wait=%s, publishing nothing", async (wait) => {
    const t = createTestApp();
    const response = await t.admin(`/refresh-cache?wait=${wait}`);
    expect(response.status).toBe(400);
    expect(await errorCode(response)).toBe("invalid_wait");
    expect(t.commands.messages).toHaveLength(0);
  });
});

describe("logs carry no bodies and no secrets", () => {
  it("never writes the signing key, admin token, signatures or webhook content, even at debug level", async () => {
    const t = createTestApp();
    const secretText = "Shipment 4411 is delayed until Friday";
    const raw = toRawBody(messageCreated({ index: 1, body: secretText }));
    await t.postWebhook(raw);
    await t.postWebhook(raw, { "x-periskope-signature": "f".repeat(64) });
    await t.postWebhook("{not json", {});
    await t.admin("/commands", jsonPost(commandBody));
    await t.app.request("/commands", jsonPost(commandBody, { authorization: "Bearer wrong-token-value" }));
    const logs = t.logLines.join("\n");
    expect(t.logLines.length).toBeGreaterThan(0);
    for (const secret of [SIGNING_KEY, ADMIN_TOKEN, "wrong-token-value", "f".repeat(64), secretText, "{not json"]) expect(logs).not.toContain(secret);
  });
});
