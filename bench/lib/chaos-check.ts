/**
 * Compares what the pipeline left in Elasticsearch with the traffic's oracle: every message
 * document (present, not duplicated, in its final state, with its chat's final name), every other
 * event, and the chat-name cache.
 */
import type { ElasticsearchClient, IndexNames } from "@periskope-pipeline/elasticsearch";
import type { Traffic } from "./chaos-traffic.ts";

export interface OracleCheck {
  /** Message documents in the messages index. */
  readonly indexed: number;
  /** Expected message documents or events missing. */
  readonly lost: number;
  readonly lost_messages: number;
  readonly lost_events: number;
  /** Documents no delivery accounts for (a message or event stored twice under another id). */
  readonly duplicated: number;
  /** Messages present in another state than the final one. */
  readonly wrong_state: number;
  /** Which fields were wrong, over those messages. */
  readonly wrong_fields: Record<string, number>;
  /** Messages whose `chat_name` is not their chat's final name (null included). */
  readonly wrong_or_missing_name: number;
  /** Chats whose cache entry is missing or not the final name. */
  readonly wrong_cached_names: number;
  /** `pipeline.dead_letter` records in the events index. */
  readonly dead_letter_records: number;
  /**
   * How many of the lost, wrong-state and wrong-name messages had one of their events (for names:
   * one of their chat's name events) on the dead-letter topic: the part dead-lettering explains.
   */
  readonly explained_by_dead_letters: { lost: number; wrong_state: number; wrong_or_missing_name: number };
  /** A few differences, for diagnosis. */
  readonly samples: string[];
  /** The first messages under a wrong name: what they hold, what they should, and their chat's name events. */
  readonly wrong_names: WrongName[];
}

export interface WrongName {
  readonly message_id: string;
  readonly chat_id: string;
  readonly expected: string | undefined;
  readonly found: unknown;
  readonly status: unknown;
}

/** What reached the dead-letter topic: message ids, event ids, and chats whose name event did. */
export interface DeadLettered {
  readonly ids: ReadonlySet<string>;
  readonly nameChats: ReadonlySet<string>;
}

const MESSAGE_FIELDS = ["event_type", "body", "ack", "flag_status", "is_deleted", "updated_at"] as const;
const DEAD_LETTER_EVENT_TYPE = "pipeline.dead_letter";

export async function checkAgainstOracle(es: ElasticsearchClient, indices: IndexNames, traffic: Traffic, deadLettered: DeadLettered): Promise<OracleCheck> {
  await es.indices.refresh({ index: [indices.messages, indices.events, indices.chatNames] });
  const samples: string[] = [];
  const note = (text: string) => samples.length < 10 && samples.push(text);
  const wrongFields: Record<string, number> = {};
  const explained = { lost: 0, wrong_state: 0, wrong_or_missing_name: 0 };
  let indexed = 0;
  let duplicated = 0;
  let wrongState = 0;
  let wrongName = 0;
  const wrongNames: WrongName[] = [];
  const seenMessages = new Set<string>();
  await scan(es, indices.messages, "message_id", [...MESSAGE_FIELDS, "message_id", "chat_id", "chat_name", "chat_name_status"], undefined, (id, doc) => {
    indexed++;
    const expected = traffic.messages.get(id);
    if (!expected || seenMessages.has(id)) {
      duplicated++;
      return note(`unexpected message document ${id}`);
    }
    seenMessages.add(id);
    const wrong = MESSAGE_FIELDS.filter((field) => normalise(doc[field]) !== normalise(expected[field]));
    if (wrong.length > 0) {
      wrongState++;
      if (deadLettered.ids.has(id)) explained.wrong_state++;
      for (const field of wrong) wrongFields[field] = (wrongFields[field] ?? 0) + 1;
      note(`${id}: ${wrong.map((f) => `${f} ${short(doc[f])} ≠ ${short(expected[f])}`).join(", ")}`);
    }
    const name = traffic.names.get(expected.chatId);
    if (doc.chat_name !== name) {
      wrongName++;
      if (deadLettered.nameChats.has(expected.chatId)) explained.wrong_or_missing_name++;
      if (wrongNames.length < 40) wrongNames.push({ message_id: id, chat_id: expected.chatId, expected: name, found: doc.chat_name, status: doc.chat_name_status });
      note(`${id}: chat_name ${JSON.stringify(doc.chat_name)} ≠ ${JSON.stringify(name)}`);
    }
  });

  let events = 0;
  const seenEvents = new Set<string>();
  await scan(es, indices.events, "event_id", ["event_id"], { bool: { must_not: [{ term: { event_type: DEAD_LETTER_EVENT_TYPE } }] } }, (id) => {
    events++;
    if (!traffic.events.has(id) || seenEvents.has(id)) {
      duplicated++;
      return note(`unexpected event document ${id}`);
    }
    seenEvents.add(id);
  });
  const { count: deadLetterRecords } = await es.count({ index: indices.events, query: { term: { event_type: DEAD_LETTER_EVENT_TYPE } } });

  let wrongCached = 0;
  const cached = new Map<string, Record<string, unknown>>();
  await scan(es, indices.chatNames, "chat_id", ["chat_name", "source", "chat_updated_at"], undefined, (id, doc) => cached.set(id, doc));
  for (const [chatId, name] of traffic.names) {
    if (cached.get(chatId)?.chat_name === name) continue;
    wrongCached++;
    // Where the name came from and as of when: what tells a lost rename from a regressed one.
    if (wrongCached <= 3) samples.unshift(`cache ${chatId}: ${JSON.stringify(cached.get(chatId))} ≠ ${JSON.stringify(name)}`);
  }

  for (const id of traffic.messages.keys()) if (!seenMessages.has(id) && deadLettered.ids.has(id)) explained.lost++;
  for (const id of traffic.events) if (!seenEvents.has(id) && deadLettered.ids.has(id)) explained.lost++;
  const lostMessages = traffic.messages.size - seenMessages.size;
  const lostEvents = traffic.events.size - seenEvents.size;
  if (lostMessages > 0) note(`missing messages, e.g. ${[...traffic.messages.keys()].filter((id) => !seenMessages.has(id)).slice(0, 3).join(", ")}`);
  if (lostEvents > 0) note(`missing events, e.g. ${[...traffic.events].filter((id) => !seenEvents.has(id)).slice(0, 3).join(", ")}`);
  return {
    indexed,
    lost: lostMessages + lostEvents,
    lost_messages: lostMessages,
    lost_events: lostEvents,
    duplicated,
    wrong_state: wrongState,
    wrong_fields: wrongFields,
    wrong_or_missing_name: wrongName,
    wrong_cached_names: wrongCached,
    dead_letter_records: deadLetterRecords,
    explained_by_dead_letters: explained,
    samples,
    wrong_names: wrongNames,
  };
}

/** A value short enough for a sample line (bodies are long). */
function short(value: unknown): string {
  const text = JSON.stringify(value) ?? "undefined";
  return text.length > 60 ? `${text.slice(0, 57)}…"` : text;
}

/** `ack` is stored as sent ("4"); compare values, not spellings. */
function normalise(value: unknown): string {
  return value === undefined ? "null" : typeof value === "string" ? value : JSON.stringify(value);
}

/** Every document of an index, sorted by a keyword field with `search_after` (stable while others write). */
async function scan(
  es: ElasticsearchClient,
  index: string,
  sortField: string,
  fields: readonly string[],
  query: object | undefined,
  onHit: (id: string, source: Record<string, unknown>) => void,
): Promise<void> {
  let after: unknown[] | undefined;
  for (let page = 0; page < 10_000; page++) {
    const result = await es.search<Record<string, unknown>>({
      index,
      size: 5_000,
      sort: [{ [sortField]: "asc" }] as never,
      _source: [...fields],
      ...(query ? { query } : {}),
      ...(after ? { search_after: after as never } : {}),
    });
    for (const hit of result.hits.hits) onHit(hit._id!, hit._source ?? {});
    if (result.hits.hits.length < 5_000) return;
    after = result.hits.hits[result.hits.hits.length - 1]!.sort;
  }
}
