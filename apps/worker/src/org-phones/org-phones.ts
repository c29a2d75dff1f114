/**
 * The org phones the worker has seen in webhooks (`data.org_phone`), kept in the commands index as
 * documents `org-phone:<digits>` (`kind: "org-phone"`), so `refresh-cache` and warm-up can page
 * `GET /chats` for every phone of the org without `PERISKOPE_PHONES`, as the original service did.
 *
 * The commands index holds the pipeline's own state (runs, leases) and nobody counts it; the cache
 * index keeps holding chats only, so `_count` on it still means "chats cached".
 *
 * Cheap on the hot path: a process writes a phone once (`create`: a replica that wrote it first makes
 * ours a harmless 409), and only remembers it as recorded once the write succeeded, so a failed write
 * is tried again with a later webhook. An org has a handful of phones; the set is bounded anyway.
 */
import { bulkItemResult, classifyBulkItem, type ElasticsearchClient } from "@periskope-pipeline/elasticsearch";
import type { Logger } from "@periskope-pipeline/observability";

export const ORG_PHONE_KIND = "org-phone";
/** Far above any org's phone count; past it, a garbage sender cannot grow the process's memory. */
const MAX_PHONES = 1_000;

/** `447700900123@c.us` (webhooks) or `447700900123` → the digits the API's `x-phone` takes. */
export function orgPhoneDigits(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const match = /^\+?(\d{6,15})(@c\.us)?$/.exec(value.trim());
  return match?.[1];
}

export class OrgPhoneRecorder {
  private readonly es: ElasticsearchClient;
  private readonly index: string;
  private readonly log: Logger;
  /** Recorded, or being recorded right now. */
  private readonly known = new Set<string>();

  constructor(es: ElasticsearchClient, commandsIndex: string, log: Logger) {
    this.es = es;
    this.index = commandsIndex;
    this.log = log;
  }

  /** Records the phones this process has not recorded yet; never rejects (the pipeline does not wait for it). */
  async record(phones: Iterable<string>): Promise<void> {
    const fresh = [...new Set(phones)].filter((p) => !this.known.has(p)).slice(0, Math.max(0, MAX_PHONES - this.known.size));
    if (fresh.length === 0) return;
    for (const phone of fresh) this.known.add(phone);
    await this.write(fresh);
  }

  private async write(phones: readonly string[]): Promise<void> {
    const seenAt = new Date().toISOString();
    try {
      const response = await this.es.bulk({
        operations: phones.flatMap((phone) => [{ create: { _index: this.index, _id: `${ORG_PHONE_KIND}:${phone}` } }, { kind: ORG_PHONE_KIND, phone, first_seen_at: seenAt }]),
      });
      response.items.forEach((item, i) => {
        const outcome = classifyBulkItem(bulkItemResult(item)).kind;
        // A 409 is "already recorded" (by another replica or an earlier process).
        if (outcome === "ok" || outcome === "superseded") {
          if (outcome === "ok") this.log.info({ event: "OrgPhoneRecorded", stage: "record", phone: phones[i] }, "new org phone seen in webhooks; refresh-cache pages it too");
        } else this.known.delete(phones[i] as string);
      });
    } catch (error) {
      for (const phone of phones) this.known.delete(phone);
      this.log.warn({ event: "OrgPhoneRecordFailed", stage: "record", code: (error as Error)?.name ?? "unknown_error", retryable: true, count: phones.length, err: error }, "could not record org phones; trying again with a later webhook");
    }
  }
}

/** Every org phone recorded from webhooks, in digits. */
export async function recordedOrgPhones(es: ElasticsearchClient, commandsIndex: string): Promise<string[]> {
  const response = await es.search<{ phone?: unknown }>({ index: commandsIndex, size: MAX_PHONES, query: { term: { kind: ORG_PHONE_KIND } }, _source: ["phone"] });
  return response.hits.hits.flatMap((hit) => {
    const phone = orgPhoneDigits(hit._source?.phone);
    return phone ? [phone] : [];
  });
}
