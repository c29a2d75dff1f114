/**
 * Request counters, so tests can assert API economy ("at most one `GET /chats/{id}` per chat")
 * and benchmarks can report calls by outcome.
 */
export interface SimulatorStats {
  /** Every API request (`/v1/...`), control routes excluded. */
  requests: number;
  /** API requests being processed right now (including ones whose client has gone). */
  inFlight: number;
  /** route (`getChat`, `listChats`, `unmatched`) → outcome (`"200"`, `"429"`, `"dropped"`) → count. */
  byRoute: Record<string, Record<string, number>>;
  /** chat id → number of `GET /chats/{id}` requests, whatever their outcome. */
  getChatCalls: Record<string, number>;
  /** The highest value in `getChatCalls` (0 when there was none). */
  getChatMaxPerChat: number;
  /** phone → number of `GET /chats` requests. */
  listChatsCalls: Record<string, number>;
}

export class StatsRecorder {
  private requests = 0;
  private active = 0;
  private byRoute = new Map<string, Map<string, number>>();
  private getChatCalls = new Map<string, number>();
  private listChatsCalls = new Map<string, number>();

  record(route: string, outcome: string): void {
    this.requests++;
    const outcomes = this.byRoute.get(route) ?? new Map<string, number>();
    outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    this.byRoute.set(route, outcomes);
  }

  recordGetChat(chatId: string): void {
    this.getChatCalls.set(chatId, (this.getChatCalls.get(chatId) ?? 0) + 1);
  }

  recordListChats(phone: string): void {
    this.listChatsCalls.set(phone, (this.listChatsCalls.get(phone) ?? 0) + 1);
  }

  begin(): void {
    this.active++;
  }

  end(): void {
    this.active--;
  }

  get inFlight(): number {
    return this.active;
  }

  /** Clears the counters; requests in flight stay counted as in flight. */
  reset(): void {
    this.requests = 0;
    this.byRoute.clear();
    this.getChatCalls.clear();
    this.listChatsCalls.clear();
  }

  snapshot(): SimulatorStats {
    let max = 0;
    for (const n of this.getChatCalls.values()) max = Math.max(max, n);
    return {
      requests: this.requests,
      inFlight: this.active,
      byRoute: Object.fromEntries([...this.byRoute].map(([route, outcomes]) => [route, Object.fromEntries(outcomes)])),
      getChatCalls: Object.fromEntries(this.getChatCalls),
      getChatMaxPerChat: max,
      listChatsCalls: Object.fromEntries(this.listChatsCalls),
    };
  }
}
