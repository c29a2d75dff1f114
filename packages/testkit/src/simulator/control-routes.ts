/**
 * `/__control`: steer a simulator running in another process (tests against `npm start`,
 * benchmarks). No auth: the simulator binds to 127.0.0.1 and holds nothing secret.
 *
 * | route | effect |
 * |---|---|
 * | `GET /__control/health` | `{ ok, phones, chats, org_id }` |
 * | `GET /__control/stats` | counters (see `SimulatorStats`) |
 * | `POST /__control/idle` | waits until no API request is in flight (`?timeout_ms=`, default 5000); 504 if not |
 * | `GET /__control/faults` | fault settings in force, with pending one-shots |
 * | `POST /__control/faults` | replace all fault settings (body: `FaultsInput`) |
 * | `POST /__control/faults/fail-next` | queue one-shot faults (body: one or an array) |
 * | `POST /__control/reset` | body `{ stats?, faults?, chats? }`, defaults stats+faults |
 * | `PUT /__control/chats` | upsert `{ phone, chat }` or `{ phone, chats: [...] }` |
 * | `GET /__control/chats` | chat ids in list order; `?phone=&limit=` |
 * | `GET /__control/chats/:id` | the chat as the API would serve it, without faults |
 * | `PATCH /__control/chats/:id` | rename: `{ chat_name }` |
 * | `DELETE /__control/chats/:id` | remove the chat |
 */
import { Hono, type Context } from "hono";
import { z } from "zod";
import type { SimulatorController } from "./controller.ts";
import { faultsSchema, oneShotFaultSchema } from "./faults.ts";

const chatInput = z.looseObject({ chat_id: z.string().min(1) });
const upsertBody = z.union([
  z.strictObject({ phone: z.string(), chat: chatInput }),
  z.strictObject({ phone: z.string(), chats: z.array(chatInput) }),
]);
const resetBody = z.strictObject({ stats: z.boolean().default(true), faults: z.boolean().default(true), chats: z.boolean().default(false) });
const renameBody = z.strictObject({ chat_name: z.string().nullable() });

export function controlRoutes(sim: SimulatorController): Hono {
  const control = new Hono();

  control.get("/health", (c) => c.json({ ok: true, phones: sim.phones, chats: sim.chatIds().length, org_id: sim.orgId }));
  control.get("/stats", (c) => c.json(sim.stats()));
  control.get("/faults", (c) => c.json(sim.faults()));

  control.post("/idle", async (c) => {
    const timeoutMs = Number(c.req.query("timeout_ms") ?? 5000);
    try {
      await sim.idle(Number.isFinite(timeoutMs) ? timeoutMs : 5000);
      return c.json({ in_flight: 0 });
    } catch (err) {
      return c.json({ code: "STILL_BUSY", message: err instanceof Error ? err.message : String(err) }, 504);
    }
  });

  control.post("/faults", async (c) => {
    const body = await readBody(c, faultsSchema);
    return body.ok ? c.json(sim.setFaults(body.value)) : body.response;
  });

  control.post("/faults/fail-next", async (c) => {
    const body = await readBody(c, z.union([oneShotFaultSchema, z.array(oneShotFaultSchema)]));
    if (!body.ok) return body.response;
    return c.json(sim.failNext(...(Array.isArray(body.value) ? body.value : [body.value])));
  });

  control.post("/reset", async (c) => {
    const body = await readBody(c, resetBody, {});
    if (!body.ok) return body.response;
    if (body.value.stats) sim.resetStats();
    if (body.value.faults) sim.resetFaults();
    if (body.value.chats) sim.resetChats();
    return c.json({ reset: body.value });
  });

  control.put("/chats", async (c) => {
    const body = await readBody(c, upsertBody);
    if (!body.ok) return body.response;
    const { phone } = body.value;
    if (!sim.phones.includes(phone)) return invalid(c, `unknown phone ${phone}`, { phones: sim.phones });
    const chats = "chat" in body.value ? [body.value.chat] : body.value.chats;
    return c.json({ chats: chats.map((chat) => sim.upsertChat(phone, chat)) });
  });

  control.get("/chats", (c) => {
    const limit = c.req.query("limit");
    return c.json({ chat_ids: sim.chatIds({ phone: c.req.query("phone"), limit: limit === undefined ? undefined : Number(limit) }) });
  });

  control.get("/chats/:chatId", (c) => {
    const chat = sim.store.get(c.req.param("chatId"));
    return chat ? c.json(chat) : c.json({ code: "NOT_FOUND", message: "no such chat" }, 404);
  });

  control.patch("/chats/:chatId", async (c) => {
    const body = await readBody(c, renameBody);
    if (!body.ok) return body.response;
    const chat = sim.renameChat(c.req.param("chatId"), body.value.chat_name);
    return chat ? c.json(chat) : c.json({ code: "NOT_FOUND", message: "no such chat" }, 404);
  });

  control.delete("/chats/:chatId", (c) =>
    sim.removeChat(c.req.param("chatId")) ? c.body(null, 204) : c.json({ code: "NOT_FOUND", message: "no such chat" }, 404),
  );

  return control;
}

type BodyResult<T> = { ok: true; value: T } | { ok: false; response: Response };

/** Parses a JSON body with `schema`; an empty body is `fallback` when given. */
async function readBody<S extends z.ZodType>(c: Context, schema: S, fallback?: unknown): Promise<BodyResult<z.output<S>>> {
  const text = await c.req.text();
  let json: unknown = fallback;
  if (text.trim() !== "" || fallback === undefined) {
    try {
      json = JSON.parse(text);
    } catch {
      return { ok: false, response: invalid(c, "body is not JSON") };
    }
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) return { ok: false, response: invalid(c, "body does not match the expected shape", { issues: parsed.error.issues }) };
  return { ok: true, value: parsed.data };
}

function invalid(c: Context, message: string, extra: Record<string, unknown> = {}): Response {
  return c.json({ code: "INVALID_CONTROL_REQUEST", message, ...extra }, 400);
}
