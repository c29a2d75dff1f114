/**
 * Deterministic chats, built on demand from (seed, index).
 *
 * Only the ids are held in memory (for id → index lookups); a chat object is rebuilt each time it
 * is served, so 50,000 chats cost a few megabytes and a startup of tens of milliseconds. Index 0 is
 * the most recently active chat, which is the order `GET /chats` serves ("sorted based on
 * timestamp", latest first — reference §3).
 */
import { BUSINESS_SUFFIXES, CITIES, COMPANIES, COUNTRY_CODES, FIRST_NAMES, LAST_NAMES, PROJECTS, TEAMS } from "./names.ts";
import { between, hash32, mulberry32, pick, type Random } from "./seeded-random.ts";
import type { SimulatedChat, SimulatedChatType, SimulatedMember } from "./simulated-chat.ts";

export interface ChatGeneratorOptions {
  seed: number;
  count: number;
  /** Org phones as digits; chat i belongs to phone i mod phones.length. */
  phones: readonly string[];
  orgId: string;
  /** Share of group chats (default 0.3). */
  groupRatio?: number | undefined;
  /** Share of business 1:1 chats (default 0.05). */
  businessRatio?: number | undefined;
  /** Share of chats whose `chat_name` is null, as for unsaved contacts (default 0). */
  nullNameRatio?: number | undefined;
  /** Activity time of chat 0; later indexes are older (default 2025-06-18T14:00:00Z). */
  latestActivity?: Date | undefined;
}

export interface ChatGenerator {
  readonly count: number;
  readonly phones: readonly string[];
  readonly orgId: string;
  idAt(index: number): string;
  indexOf(chatId: string): number | undefined;
  phoneAt(index: number): string;
  typeAt(index: number): SimulatedChatType;
  chatAt(index: number): SimulatedChat;
}

/** Seconds between consecutive chats' activity; larger than the jitter so order is strict. */
const ACTIVITY_STEP_S = 37;
const ACTIVITY_JITTER_S = 30;
const DEFAULT_LATEST_ACTIVITY = new Date("2025-06-18T14:00:00Z");

export function createChatGenerator(options: ChatGeneratorOptions): ChatGenerator {
  if (options.phones.length === 0) throw new RangeError("at least one phone is required");
  const { seed, count, phones, orgId } = options;
  const groupRatio = options.groupRatio ?? 0.3;
  const businessRatio = options.businessRatio ?? 0.05;
  const nullNameRatio = options.nullNameRatio ?? 0;
  const latestMs = (options.latestActivity ?? DEFAULT_LATEST_ACTIVITY).getTime();

  const typeAt = (index: number): SimulatedChatType => {
    const r = hash32(seed, index, 1) / 4294967296;
    if (r < groupRatio) return "group";
    return r < groupRatio + businessRatio ? "business" : "user";
  };

  const ids = new Array<string>(count);
  const indexById = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    const id = chatIdFor(seed, i, typeAt(i));
    ids[i] = id;
    indexById.set(id, i);
  }

  const phoneAt = (index: number): string => phones[index % phones.length] as string;
  // The org phone's own contact name, the same in every group it is in.
  const orgContactName = `${pick(mulberry32(hash32(seed, 9)), COMPANIES)} Support`;

  const chatAt = (index: number): SimulatedChat => {
    const id = ids[index];
    if (id === undefined) throw new RangeError(`no chat at index ${index}`);
    const random = mulberry32(hash32(seed, index, 2));
    const type = typeAt(index);
    const orgPhone = `${phoneAt(index)}@c.us`;
    const updatedMs = latestMs - index * ACTIVITY_STEP_S * 1000 - Math.floor(random() * ACTIVITY_JITTER_S * 1000);
    const createdMs = updatedMs - between(random, 1, 400) * 86_400_000;
    const name = random() < nullNameRatio ? null : type === "group" ? groupName(random) : type === "business" ? businessName(random) : personName(random);
    const members = type === "group" ? groupMembers(random, id, orgPhone, orgContactName) : null;
    return {
      chat_id: id,
      chat_name: name,
      chat_type: type,
      org_id: orgId,
      org_phone: orgPhone,
      chat_org_phones: [orgPhone],
      members,
      member_count: members ? Object.keys(members).length : null,
      chat_image: random() < 0.4 ? `https://cdn.periskope.app/chat-images/${hash32(seed, index, 3).toString(16)}.jpg` : null,
      group_description: type === "group" && random() < 0.5 ? `${pick(random, TEAMS)} coordination for ${pick(random, CITIES)}` : null,
      invite_link: null,
      created_at: postgresIso(createdMs, random),
      updated_at: postgresIso(updatedMs, random),
      latest_message_timestamp: updatedMs,
      label_ids: {},
      custom_properties: {},
      assigned_to: null,
      chat_access: {},
      is_muted: false,
      is_exited: false,
      is_archived: false,
      is_pinned: false,
      info_admins_only: type === "group" ? random() < 0.3 : false,
      messages_admins_only: false,
      add_members_admins_only: false,
      message_unread_count: between(random, 0, 5),
      latest_message: null,
    };
  };

  return {
    count,
    phones,
    orgId,
    idAt: (index) => {
      const id = ids[index];
      if (id === undefined) throw new RangeError(`no chat at index ${index}`);
      return id;
    },
    indexOf: (chatId) => indexById.get(chatId),
    phoneAt,
    typeAt,
    chatAt,
  };
}

/**
 * Unique per index by construction: the digits are `index·k + offset mod 10^n` with k coprime to
 * 10, a bijection on [0, 10^n), so no two indexes share an id and no lookup table is needed to
 * generate them.
 */
function chatIdFor(seed: number, index: number, type: SimulatedChatType): string {
  if (type === "group") {
    const digits = (index * 7_919_113 + ((hash32(seed, 4) * 1_000_003) % 1e12)) % 1e12;
    return `120363${String(digits).padStart(12, "0")}@g.us`;
  }
  const country = COUNTRY_CODES[hash32(seed, index, 5) % COUNTRY_CODES.length] as string;
  const national = (index * 104_729 + (hash32(seed, 6) % 1e9)) % 1e9;
  return `${country}7${String(national).padStart(9, "0")}@c.us`;
}

function personName(random: Random): string {
  return `${pick(random, FIRST_NAMES)} ${pick(random, LAST_NAMES)}`;
}

function businessName(random: Random): string {
  return `${pick(random, COMPANIES)} ${pick(random, BUSINESS_SUFFIXES)}`;
}

function groupName(random: Random): string {
  switch (between(random, 0, 3)) {
    case 0:
      return `${pick(random, COMPANIES)} x ${pick(random, COMPANIES)} ${pick(random, TEAMS)}`;
    case 1:
      return `${pick(random, CITIES)} ${pick(random, TEAMS)}`;
    case 2:
      return `${pick(random, PROJECTS)} – ${pick(random, TEAMS)}`;
    default:
      return `${pick(random, COMPANIES)} ${pick(random, TEAMS)} 🚚`;
  }
}

function groupMembers(random: Random, chatId: string, orgPhone: string, orgContactName: string): Record<string, SimulatedMember> {
  const members: Record<string, SimulatedMember> = {
    [orgPhone]: member(orgPhone, orgContactName, chatId, orgPhone, { admin: true, internal: true }),
  };
  const others = between(random, 2, 8);
  for (let i = 0; i < others; i++) {
    const contact = `${pick(random, COUNTRY_CODES)}${between(random, 6_000_000_000, 9_999_999_999)}@c.us`;
    members[contact] = member(contact, personName(random), chatId, orgPhone, { admin: random() < 0.15, internal: false });
  }
  return members;
}

function member(contactId: string, name: string, chatId: string, orgPhone: string, role: { admin: boolean; internal: boolean }): SimulatedMember {
  return {
    contact_id: contactId,
    contact_name: name,
    contact_image: null,
    contact_color: null,
    is_admin: role.admin,
    is_super_admin: role.admin && role.internal,
    is_internal: role.internal,
    chat_id: chatId,
    org_phone: orgPhone,
  };
}

/** The REST form `2025-06-18T14:02:11.120934+00:00` (microseconds, explicit offset), reference §7. */
export function postgresIso(ms: number, random: Random): string {
  const micros = String(Math.floor(random() * 1000)).padStart(3, "0");
  return new Date(ms).toISOString().replace("Z", `${micros}+00:00`);
}
