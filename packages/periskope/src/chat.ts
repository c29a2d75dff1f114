/**
 * The chat object as the pipeline reads it (reference §2), validated leniently.
 *
 * Periskope's own types make almost every field nullable and the docs disagree with themselves, so
 * only `chat_id` is required. Every other field the pipeline uses is parsed as "this type, or
 * null": a field of an unexpected type becomes null instead of rejecting the whole chat, because
 * losing one odd `members` map must not cost us the chat's name. Unknown fields pass through.
 */
import { z } from "zod";

/** Documented values are `user`, `group`, `business`, `unknown`; others are passed through. */
export type ChatType = "user" | "group" | "business" | "unknown" | (string & {});

/** `schema`, or null when the field is absent, null or of another type. */
function lenient<T extends z.ZodType>(schema: T) {
  return schema
    .nullish()
    .catch(null)
    .transform((value): z.output<T> | null => value ?? null);
}

const timestamp = z.union([z.string(), z.number()]);

const chatMemberSchema = z.looseObject({
  contact_id: lenient(z.string()),
  contact_name: lenient(z.string()),
  is_admin: lenient(z.boolean()),
  is_super_admin: lenient(z.boolean()),
  is_internal: lenient(z.boolean()),
  org_phone: lenient(z.string()),
});

export const chatSchema = z.looseObject({
  chat_id: z.string().min(1),
  /** The display name: group subject for groups, contact name for 1:1 chats. */
  chat_name: lenient(z.string()),
  chat_type: lenient(z.string() as z.ZodType<ChatType>),
  org_id: lenient(z.string()),
  /** The org phone as `<digits>@c.us`. */
  org_phone: lenient(z.string()),
  chat_org_phones: lenient(z.array(z.string())),
  members: lenient(z.record(z.string(), chatMemberSchema)),
  member_count: lenient(z.number()),
  group_description: lenient(z.string()),
  chat_image: lenient(z.string()),
  created_at: lenient(timestamp),
  updated_at: lenient(timestamp),
});

export type Chat = z.output<typeof chatSchema>;

/**
 * The list envelope (reference §3). `from`/`to` look 1-based and inclusive and `count` is not
 * defined anywhere, so they are informational; page on the number of items returned.
 */
export const chatListSchema = z.looseObject({
  from: lenient(z.number()),
  to: lenient(z.number()),
  count: lenient(z.number()),
  // Absent or null means "no chats"; anything else that is not an array is a malformed page.
  chats: z.array(z.unknown()).nullish(),
});
