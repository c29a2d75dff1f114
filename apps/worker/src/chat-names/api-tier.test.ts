import { PeriskopeApiError, type Chat, type PeriskopeClient } from "@periskope-pipeline/periskope";
import { describe, expect, it } from "vitest";
import { ApiTier, type ApiLookup } from "./api-tier.ts";

/** A client whose calls wait until released, so the tier's queue can be observed. */
function heldClient() {
  const calls: string[] = [];
  const waiting: Array<() => void> = [];
  const client: PeriskopeClient = {
    async getChat(chatId) {
      calls.push(chatId);
      await new Promise<void>((r) => waiting.push(r));
      return { chat_id: chatId, chat_name: `Name ${chatId}` } as unknown as Chat;
    },
    listChats: () => Promise.reject(new Error("not used")),
    onCircuitStateChange: () => ({ dispose() {} }),
  };
  const releaseAll = async () => {
    for (let i = 0; i < 100 && (waiting.length > 0 || calls.length === 0); i++) {
      waiting.splice(0).forEach((r) => r());
      await new Promise((r) => setImmediate(r));
    }
  };
  return { client, calls, releaseAll };
}

describe("ApiTier", () => {
  it("never queues more than maxQueued lookups: overflow is dropped at once, not kept in memory", async () => {
    const { client, calls, releaseAll } = heldClient();
    const queued: number[] = [];
    const tier = new ApiTier({ client, concurrency: 1, maxQueued: 2, onQueued: (n) => queued.push(n) });
    const lookups = Array.from({ length: 10 }, (_, i) => tier.lookup(`chat-${i}`));
    expect(tier.queued).toBe(2);
    expect(Math.max(...queued)).toBe(2);
    const settled: ApiLookup[] = [];
    lookups.forEach((l) => void l.then((a) => settled.push(a)));
    await new Promise((r) => setImmediate(r));
    expect(settled).toEqual(Array.from({ length: 7 }, () => ({ kind: "dropped", code: "QUEUE_FULL" })));

    await releaseAll();
    const answers = await Promise.all(lookups);
    expect(answers.filter((a) => a.kind === "found")).toHaveLength(3);
    expect(calls).toEqual(["chat-0", "chat-1", "chat-2"]);
    expect(tier.queued).toBe(0);
  });

  it("drops a queued lookup whose deadline passed before its turn", async () => {
    const { client, calls, releaseAll } = heldClient();
    const tier = new ApiTier({ client, concurrency: 1, maxQueued: 10 });
    const first = tier.lookup("a");
    const late = tier.lookup("b", { deadline: Date.now() + 5 });
    await new Promise((r) => setTimeout(r, 20));
    await releaseAll();
    expect(await first).toMatchObject({ kind: "found" });
    expect(await late).toEqual({ kind: "dropped", code: "EXPIRED" });
    expect(calls).toEqual(["a"]);
  });

  it("turns an open circuit into 'unavailable' without logging each lookup it turns away", async () => {
    const failures: unknown[] = [];
    const error = (code: string) => new PeriskopeApiError({ code, message: code, retryable: true, operation: "getChat" });
    let next = "HTTP_503";
    const client: PeriskopeClient = {
      getChat: () => Promise.reject(error(next)),
      listChats: () => Promise.reject(new Error("not used")),
      onCircuitStateChange: () => ({ dispose() {} }),
    };
    const tier = new ApiTier({ client, concurrency: 2, maxQueued: 10, onFailure: (e) => failures.push(e) });
    expect(await tier.lookup("a")).toEqual({ kind: "unavailable", code: "HTTP_503" });
    next = "CIRCUIT_OPEN";
    expect(await tier.lookup("b")).toEqual({ kind: "unavailable", code: "CIRCUIT_OPEN" });
    expect(failures).toHaveLength(1);
  });
});
