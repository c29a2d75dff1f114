/**
 * The chat object as the simulator serves it: the wire shape of reference §2, with the fields a
 * real response carries (most are inert here), so clients parse the same bulk they will meet.
 */
export type SimulatedChatType = "user" | "group" | "business";

export interface SimulatedMember {
  contact_id: string;
  contact_name: string | null;
  contact_image: string | null;
  contact_color: string | null;
  is_admin: boolean;
  is_super_admin: boolean;
  is_internal: boolean;
  chat_id: string;
  org_phone: string;
}

export interface SimulatedChat {
  chat_id: string;
  chat_name: string | null;
  chat_type: SimulatedChatType | (string & {});
  org_id: string;
  org_phone: string;
  chat_org_phones: string[];
  members: Record<string, SimulatedMember> | null;
  member_count: number | null;
  created_at: string | null;
  updated_at: string | null;
  [field: string]: unknown;
}
