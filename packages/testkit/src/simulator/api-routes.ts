/**
 * The Periskope endpoints the pipeline calls, as the reference describes them:
 * `GET /v1/chats/{chat_id}` (bare chat object) and `GET /v1/chats` (offset/limit paging, per phone).
 */
import { Hono, type Context } from "hono";
import { notFound, validationError } from "./api-errors.ts";
import { apiGuard } from "./api-guard.ts";
import type { SimulatorController } from "./controller.ts";
import type { SimulatorEnv } from "./drop-connection.ts";
import type { SimulatedChatType } from "./simulated-chat.ts";

/** Larger pages get 422; 2000 itself is accepted (reference §3). */
export const MAX_PAGE_LIMIT = 2000;
/** Default page size when `limit` is absent: the SDK comment's 2000 (the older docs say 1000). */
const DEFAULT_PAGE_LIMIT = 2000;

/** Both spellings the docs use for 1:1 chats are accepted (reference §3). */
const CHAT_TYPE_FILTERS: Record<string, SimulatedChatType> = { user: "user", individual: "user", group: "group", business: "business" };

export function apiRoutes(sim: SimulatorController): Hono<SimulatorEnv> {
  const api = new Hono<SimulatorEnv>();

  // Hono decodes path parameters, so `%40` and a literal `@` reach the handler the same way.
  api.get("/chats/:chatId", apiGuard(sim, "getChat"), (c) => {
    const chatId = c.req.param("chatId");
    const chat = sim.store.get(chatId);
    const phone = c.req.header("x-phone")?.trim() ?? "";
    const visible =
      chat !== undefined &&
      !c.get("forceUnknownChat") &&
      !sim.faultPlan.hidesChat(chatId) &&
      (!sim.scopeGetChatToPhone || sim.store.phoneOf(chatId) === phone);
    return visible ? c.json(chat) : unknownChat(c, sim, chatId);
  });

  api.get("/chats", apiGuard(sim, "listChats"), (c) => {
    const offsetRaw = c.req.query("offset") ?? "0";
    const limitRaw = c.req.query("limit") ?? String(DEFAULT_PAGE_LIMIT);
    const typeRaw = c.req.query("chat_type");
    const offset = Number(offsetRaw);
    const limit = Number(limitRaw);
    if (!Number.isInteger(offset) || offset < 0) return c.json(validationError("offset", "Offset should be a non-negative integer", offsetRaw), 422);
    if (!Number.isInteger(limit) || limit < 1) return c.json(validationError("limit", "Limit should be a positive integer", limitRaw), 422);
    if (limit > MAX_PAGE_LIMIT) return c.json(validationError("limit", "Limit should be less than 2000", limitRaw), 422);
    const chatType = typeRaw === undefined ? undefined : CHAT_TYPE_FILTERS[typeRaw];
    if (typeRaw !== undefined && chatType === undefined) {
      return c.json(validationError("chat_type", "Chat type should be one of user, group, business", typeRaw), 422);
    }
    const phone = c.req.header("x-phone")?.trim() ?? "";
    const chats = sim.store.list(phone, { offset, limit, chatType });
    // 1-based inclusive positions, as the docs' list examples suggest; count = items in this page.
    return c.json({ from: offset + 1, to: offset + chats.length, count: chats.length, chats });
  });

  return api;
}

function unknownChat(c: Context<SimulatorEnv>, sim: SimulatorController, chatId: string): Response {
  switch (sim.faultPlan.unknownChatResponse) {
    case "200-empty":
      return c.body(null, 200);
    case "200-null":
      return c.json(null);
    case "200-without-id":
      return c.json({ chat_id: null, chat_name: null, message: "No chat found" });
    default:
      return c.json(notFound(`Chat ${chatId} not found`), 404);
  }
}
