/**
 * The vocabulary of chat-name resolution, shared by the tiers, the pipeline stages and the
 * commands module.
 */

/** Where a name came from; `source` in the cache index. */
/** `cache`: found renamed in the cache index when a remembered name was revalidated. */
export type ChatNameSource = "api" | "webhook" | "refresh" | "cache";

/** A chat's (new) name, from the API, a webhook (`chat.created`, group subject) or a refresh. */
export interface ChatNameUpdate {
  readonly chatId: string;
  readonly chatName: string;
  readonly chatType?: string;
  readonly orgPhone?: string;
  readonly source: ChatNameSource;
  /** When the name became true (epoch ms), if known: orders competing writes to the cache index. */
  readonly changedAt?: number;
}

/** Why a message is indexed without a name. */
export type UnresolvedReason =
  /** The API answered that it does not know the chat (or knows it without a name). */
  | "unknown"
  /** The API failed, the circuit is open, or there is no API configured. */
  | "unavailable"
  /** The lookup is still running past the batch's budget; its answer fills the messages later. */
  | "pending";

export type ChatNameResolution =
  /** `changedAt`: when the name became true (epoch ms), where the tier knows it (the cache index). */
  | { readonly status: "resolved"; readonly name: string; readonly chatType?: string | undefined; readonly changedAt?: number | undefined }
  | { readonly status: "unresolved"; readonly reason: UnresolvedReason };

export const UNKNOWN: ChatNameResolution = { status: "unresolved", reason: "unknown" };
export const UNAVAILABLE: ChatNameResolution = { status: "unresolved", reason: "unavailable" };
export const PENDING: ChatNameResolution = { status: "unresolved", reason: "pending" };

export function resolved(name: string, chatType?: string, changedAt?: number): ChatNameResolution {
  return { status: "resolved", name, ...(chatType !== undefined ? { chatType } : {}), ...(changedAt !== undefined ? { changedAt } : {}) };
}
