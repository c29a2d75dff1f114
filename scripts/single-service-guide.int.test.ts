/**
 * The single-service version's guide, walked against `npm start` (README "Coming from the
 * single-service version"): a fresh deployment with CACHE_ON_STARTUP=true names its first message
 * from a filled cache; the weekly `curl /refresh-cache` answers the stats, whose counts add up and
 * see a new chat and a renamed one; the guide's monitoring `curl`s on `whatsapp_chat_names` work on
 * the configured names, which are aliases now. One stack for the whole file, stopped by Ctrl-C.
 */
import { elasticsearchIsHealthy } from "@periskope-pipeline/local-stack";
import { describe, expect, it } from "vitest";
import { expectAllGone, sendPrintedSample, stackForFile, startRecord, waitFor } from "./npm-start-harness.ts";

/** Bounds for a loaded two-core machine: the guide's behaviour, not its timing, is under test. */
const SLOW_MS = 200_000;
const ADMIN_TOKEN = "guide-admin-token-for-this-test-only";
const ELASTICSEARCH_URL = process.env.ELASTICSEARCH_URL ?? "";

const started = stackForFile("guide", { CACHE_ON_STARTUP: "true", ADMIN_TOKEN, WARM_UP_WAIT_SECONDS: "180", REFRESH_CACHE_WAIT_SECONDS: "150" }, "node scripts/start.ts");
const ingress = () => `http://127.0.0.1:${started().ports.PORT}`;
const control = () => `http://127.0.0.1:${started().ports.SIMULATOR_PORT}/__control`;
/** The chat of the signed sample webhook npm start prints. */
let sampleChatId: string;

interface RefreshAnswer {
  status: string;
  total_chats: number;
  newly_cached: number;
  already_cached: number;
  renamed: number;
  unnamed: number;
}

async function json<T>(url: string, init: RequestInit = {}): Promise<{ status: number; type: string | null; body: T }> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(180_000) });
  return { status: response.status, type: response.headers.get("content-type"), body: (await response.json()) as T };
}

/** Every chat the simulator lists (a chat on two phones counts once, as in `total_chats`). */
async function simulatedChatIds(): Promise<Set<string>> {
  return new Set((await json<{ chat_ids: string[] }>(`${control()}/chats`)).body.chat_ids);
}

async function simulatedChat(chatId: string): Promise<{ chat_name: string | null; org_phone: string }> {
  return (await json<{ chat_name: string | null; org_phone: string }>(`${control()}/chats/${encodeURIComponent(chatId)}`)).body;
}

/** The weekly cron's call, with the token the README's cron line sends. */
async function refreshCache(): Promise<{ status: number; body: RefreshAnswer }> {
  return json<RefreshAnswer>(`${ingress()}/refresh-cache`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
}

/** The guide's monitoring `curl`s, on the configured cache name. */
const names = (path: string) => json<Record<string, unknown>>(`${ELASTICSEARCH_URL}/${started().indices.ELASTICSEARCH_CACHE_INDEX}/${path}`);

describe("a fresh deployment with CACHE_ON_STARTUP=true", () => {
  it("indexes the first webhook's message with its chat's name from the filled cache", async () => {
    // Sent at once: the worker may still be warming the cache, and must not name it before that.
    const message = await sendPrintedSample(started(), 180_000);
    sampleChatId = String(message.chat_id);
    const { chat_name: name } = await simulatedChat(sampleChatId);
    expect(name).toEqual(expect.any(String));
    expect(message).toMatchObject({ chat_name: name, chat_name_status: "resolved" });
    // Named from the cache the warm-up filled, not by a lookup of its own.
    const stats = (await json<{ getChatCalls: Record<string, number> }>(`${control()}/stats`)).body;
    expect(stats.getChatCalls[sampleChatId], "GET /chats/{id} calls for the sample's chat").toBeUndefined();
  }, SLOW_MS);

  it("has the cache filled: whatsapp_chat_names/_count is the number of chats the API lists", async () => {
    const chats = (await simulatedChatIds()).size;
    expect(chats).toBeGreaterThan(0);
    // The warm-up succeeded before the message above was pulled, so this holds at once; polled for refreshes.
    await waitFor("the cache's _count to be the simulator's chats", async () => ((await names("_count")).body.count === chats ? true : undefined), 30_000, started().output);
  });
});

describe("a running system refreshed by curl /refresh-cache", () => {
  let first: RefreshAnswer;
  const newChatId = `1203634${Date.now().toString().slice(-11)}@g.us`;
  const renamedTo = `Guidecheck ${Math.random().toString(36).slice(2, 8)}`;
  let renamedChatId: string;

  it("answers 200 with the stats, the counts adding up to the chats listed", async () => {
    const { status, body } = await refreshCache();
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body).toMatchObject({ status: "success", total_chats: (await simulatedChatIds()).size, newly_cached: 0, renamed: 0 });
    expect(body.newly_cached + body.already_cached).toBe(body.total_chats);
    first = body;
  }, SLOW_MS);

  it("counts a new chat as newly cached and a renamed one as renamed on the next run", async () => {
    const [phone] = (await json<{ phones: string[] }>(`${control()}/health`)).body.phones;
    const added = await json(`${control()}/chats`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ phone, chat: { chat_id: newChatId, chat_name: "Guide new group" } }),
    });
    expect(added.status).toBe(200);
    // A named chat other than the sample's, so the sample message keeps the name checked above.
    for (const chatId of await simulatedChatIds()) {
      if (chatId !== sampleChatId && chatId !== newChatId && (await simulatedChat(chatId)).chat_name) {
        renamedChatId = chatId;
        break;
      }
    }
    const renamed = await json(`${control()}/chats/${encodeURIComponent(renamedChatId)}`, {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ chat_name: renamedTo }),
    });
    expect(renamed.status).toBe(200);

    const { status, body } = await refreshCache();
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body).toMatchObject({ status: "success", total_chats: first.total_chats + 1, newly_cached: 1, renamed: 1, unnamed: first.unnamed });
    expect(body.newly_cached + body.already_cached).toBe(body.total_chats);
  }, SLOW_MS);

  it("refuses the call without the admin token or with a wrong one, in JSON", async () => {
    for (const headers of [{}, { authorization: "Bearer not-the-admin-token" }]) {
      const { status, type, body } = await json<{ error?: { code?: string } }>(`${ingress()}/refresh-cache`, { headers });
      expect([401, 403], JSON.stringify(body)).toContain(status);
      expect(type).toMatch(/^application\/json/);
      expect(body.error?.code).toEqual(expect.any(String));
    }
  });

  it("keeps the guide's monitoring calls working on the configured names, aliases now", async () => {
    const alias = started().indices.ELASTICSEARCH_CACHE_INDEX;
    const aliases = await json<Record<string, { aliases: Record<string, unknown> }>>(`${ELASTICSEARCH_URL}/_alias/${alias}`);
    expect(Object.keys(aliases.body)).toEqual([`${alias}-000001`]);

    // Searchable after the index's refresh interval (a second), as with the original service.
    await waitFor("_count to include the new chat", async () => ((await names("_count")).body.count === first.total_chats + 1 ? true : undefined), 30_000, started().output);
    const created = await names(`_doc/${encodeURIComponent(newChatId)}`);
    expect(created.body).toMatchObject({ found: true, _source: { chat_id: newChatId, chat_name: "Guide new group" } });
    const hits = await waitFor(
      "the renamed chat to be searchable by its new name",
      async () => {
        const found = (await names(`_search?q=chat_name:${renamedTo.split(" ")[1]}`)).body as { hits: { hits: { _id: string; _source: { chat_name: string } }[] } };
        return found.hits.hits.length > 0 ? found.hits.hits : undefined;
      },
      30_000,
      started().output,
    );
    expect(hits.map((hit) => [hit._id, hit._source.chat_name])).toEqual([[renamedChatId, renamedTo]]);

    const messages = await json<{ count: number }>(`${ELASTICSEARCH_URL}/${started().indices.ELASTICSEARCH_INDEX}/_count`);
    expect(messages.body.count).toBe(1);
  });
});

describe("Ctrl-C", () => {
  it("stops npm start with exit code 0 and leaves nothing behind but the shared services", async () => {
    const stack = started();
    const record = startRecord(stack);
    expect(record.children.map((child) => child.name).sort()).toEqual(["ingress", "simulator", "worker"]);
    // A terminal's Ctrl-C: SIGINT to the foreground process group (the apps have groups of their own).
    process.kill(-(stack.npm.pid as number), "SIGINT");
    expect(await stack.exited).toBe(0);
    expect(stack.output()).toContain("[start] stopped");
    await expectAllGone(stack, record);
    expect(await elasticsearchIsHealthy(ELASTICSEARCH_URL)).toBe(true);
  });
});
