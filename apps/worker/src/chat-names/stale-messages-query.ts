/**
 * The messages a chat-name fill must fix, as one search: messages of these chats whose
 * `chat_name` is missing, null (unresolved) or not the known name, optionally only those indexed
 * since a time. Messages that are already right never leave Elasticsearch, so a fill or a backfill
 * over a healthy index reads almost nothing.
 */
export interface KnownName {
  chatId: string;
  chatName: string;
}

export function staleMessagesQuery(chats: readonly KnownName[], since: string | undefined) {
  return {
    bool: {
      filter: [
        ...(since ? [{ range: { indexed_at: { gte: since } } }] : []),
        {
          bool: {
            should: chats.map((c) => ({
              bool: {
                filter: [{ term: { chat_id: c.chatId } }],
                // A missing or null chat_name has no keyword term, so it never matches this clause.
                must_not: [{ term: { "chat_name.keyword": c.chatName } }],
              },
            })),
            minimum_should_match: 1,
          },
        },
      ],
    },
  };
}
