/**
 * The e2e bench's reference: one process doing per webhook what the single-service version did,
 * synchronously before answering — verify the signature, parse, then for a message event: cache
 * `get` of the chat's name → Periskope `GET /chats/{id}` on a miss → index the cache document
 * (on that miss) → index the message with its chat name → 200. No queue, no batching: each
 * webhook costs its own Elasticsearch round trips, which is what the pipeline is compared with.
 *
 * Not deployed, not the project's code path: it exists to be measured in the same run.
 *
 *   PORT=0 PERISKOPE_SIGNING_KEY=… ELASTICSEARCH_URL=… ELASTICSEARCH_INDEX=… ELASTICSEARCH_CACHE_INDEX=…
 *   PERISKOPE_API_URL=… PERISKOPE_API_KEY=… node bench/lib/e2e-single-process-server.ts
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { createElasticsearchClient } from "@periskope-pipeline/elasticsearch";

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}

const signingKey = required("PERISKOPE_SIGNING_KEY");
const es = createElasticsearchClient({ url: required("ELASTICSEARCH_URL"), requestTimeoutMs: 30_000 });
const messagesIndex = required("ELASTICSEARCH_INDEX");
const cacheIndex = required("ELASTICSEARCH_CACHE_INDEX");
const apiUrl = required("PERISKOPE_API_URL");
const apiKey = required("PERISKOPE_API_KEY");

interface Webhook {
  event_type?: unknown;
  data?: { message_id?: unknown; chat_id?: unknown; org_phone?: unknown; [key: string]: unknown };
}

function signatureValid(body: Buffer, header: string | undefined): boolean {
  if (!header) return false;
  const expected = createHmac("sha256", signingKey).update(body).digest();
  const given = Buffer.from(header, "hex");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

async function chatName(chatId: string, orgPhone: string): Promise<string | null> {
  const cached = await es.get<{ chat_name?: string }>({ index: cacheIndex, id: chatId }, { ignore: [404] });
  if (cached.found && cached._source?.chat_name) return cached._source.chat_name;
  const response = await fetch(`${apiUrl}/chats/${encodeURIComponent(chatId)}`, { headers: { authorization: `Bearer ${apiKey}`, "x-phone": orgPhone } });
  if (!response.ok) return null;
  const chat = (await response.json()) as { chat_name?: string | null };
  const name = chat.chat_name ?? null;
  if (name) await es.index({ index: cacheIndex, id: chatId, document: { chat_id: chatId, chat_name: name, source: "api", "@timestamp": new Date().toISOString() } });
  return name;
}

const app = new Hono();
app.post("/periskopewebhook", async (c) => {
  const receivedAt = new Date().toISOString();
  const body = Buffer.from(await c.req.arrayBuffer());
  if (!signatureValid(body, c.req.header("x-periskope-signature"))) return c.json({ error: "invalid_signature" }, 401);
  let event: Webhook;
  try {
    event = JSON.parse(body.toString("utf8")) as Webhook;
  } catch {
    return c.json({ error: "invalid_json" }, 400);
  }
  const data = event.data;
  if (typeof event.event_type !== "string" || !data || typeof data.message_id !== "string" || typeof data.chat_id !== "string") {
    return c.json({ error: "invalid_event" }, 400);
  }
  try {
    const name = await chatName(data.chat_id, String(data.org_phone ?? ""));
    await es.index({
      index: messagesIndex,
      id: data.message_id,
      document: { ...data, chat_name: name, chat_name_status: name ? "resolved" : "unresolved", event_type: event.event_type, received_at: receivedAt },
    });
  } catch {
    return c.json({ error: "unavailable" }, 503);
  }
  return c.json({ status: "success" });
});

serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 0), hostname: "127.0.0.1" }, (info) => {
  process.stdout.write(`${JSON.stringify({ event: "ServerListening", url: `http://127.0.0.1:${info.port}` })}\n`);
});
process.on("SIGTERM", () => {
  void es.close().finally(() => process.exit(0));
  setTimeout(() => process.exit(0), 2_000).unref();
});
