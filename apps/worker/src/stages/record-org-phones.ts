/**
 * Record: the org phones the batch's events came through (`data.org_phone`), so `refresh-cache`
 * knows every phone of the org without `PERISKOPE_PHONES` (see `org-phones/org-phones.ts`). Never
 * delays or fails the batch: recording happens in the background.
 */
import { orgPhoneDigits } from "../org-phones/org-phones.ts";
import type { DecodedEvent } from "./decoded-event.ts";

export interface PhoneRecorder {
  /** Never rejects. */
  record(phones: Iterable<string>): Promise<void>;
}

export function recordOrgPhones(events: readonly DecodedEvent[], recorder: PhoneRecorder): void {
  const phones = new Set<string>();
  for (const { envelope } of events) {
    const phone = orgPhoneDigits(envelope.data.org_phone);
    if (phone) phones.add(phone);
  }
  if (phones.size > 0) void recorder.record(phones);
}
