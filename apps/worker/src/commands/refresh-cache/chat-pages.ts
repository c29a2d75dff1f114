/**
 * One phone's chats, page by page, from `GET /chats` (reference §3): offset is an item index,
 * paging stops on a short page (the API's `count` is undefined, so it is never trusted), and the
 * next page is already being fetched while the caller writes the current one, so the API and
 * Elasticsearch work in parallel. Retries of a page are the Periskope client's (idempotent GET).
 */
import type { AttemptListener, ChatPage, PeriskopeClient } from "@periskope-pipeline/periskope";

export interface ChatPagesOptions {
  phone: string;
  /** Item index to start at: 0, or a checkpoint's offset when a run is resumed. */
  offset: number;
  limit: number;
  chatType?: string | undefined;
  signal: AbortSignal;
  /** Counts this run's HTTP attempts on the worker's shared client. */
  onAttempt?: AttemptListener | undefined;
}

export interface FetchedPage {
  phone: string;
  offset: number;
  /** Where the page after this one starts. */
  nextOffset: number;
  page: ChatPage;
  /** A short page: the phone has no more chats. */
  last: boolean;
}

export async function* chatPages(client: PeriskopeClient, options: ChatPagesOptions): AsyncGenerator<FetchedPage> {
  const fetchAt = (offset: number): Promise<FetchedPage> =>
    client.listChats({ phone: options.phone, offset, limit: options.limit, chatType: options.chatType, signal: options.signal, onAttempt: options.onAttempt }).then((page) => {
      // Items the client could not parse still took a slot in the API's list.
      const served = page.chats.length + page.skipped;
      return { phone: options.phone, offset, nextOffset: offset + served, page, last: served < options.limit };
    });

  let pending = fetchAt(options.offset);
  for (;;) {
    const current = await pending;
    if (!current.last) {
      pending = fetchAt(current.nextOffset);
      // If the caller stops early (a write failed), nobody awaits this read-ahead: keep its
      // failure from becoming an unhandled rejection. Awaiting it below still sees the error.
      pending.catch(() => {});
    }
    yield current;
    if (current.last) return;
  }
}
