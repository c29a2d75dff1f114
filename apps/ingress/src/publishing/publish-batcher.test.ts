import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { PublishError, type OutboundMessage } from "./event-publisher.ts";
import { PublishBatcher, type BatchSettings, type SendBatch } from "./publish-batcher.ts";

const settings: BatchSettings = { maxMessages: 1000, maxBytes: 4 << 20, maxDelayMs: 0, maxConcurrentRequests: 4, timeoutMs: 5_000 };
const message = (n: number, bytes = 10): OutboundMessage => ({ data: Buffer.alloc(bytes, n % 256), attributes: { n: String(n) } });

/** A transport that records requests and answers them when told to. */
function controlledSend() {
  const requests: { messages: OutboundMessage[]; timeoutMs: number; answer: (error?: PublishError | Error) => void }[] = [];
  let counter = 0;
  const send: SendBatch = (messages, timeoutMs) =>
    new Promise((resolve, reject) => {
      requests.push({
        messages,
        timeoutMs,
        answer: (error) => (error ? reject(error) : resolve(messages.map(() => `id-${++counter}`))),
      });
    });
  return { send, requests };
}

/** A transport that acknowledges every request on the next turn. */
const instantSend: SendBatch = async (messages) => messages.map((m) => `id-${m.attributes.n}`);

describe("PublishBatcher", () => {
  it("sends messages added in the same event-loop turn as one request and resolves each with its id", async () => {
    const { send, requests } = controlledSend();
    const batcher = new PublishBatcher(send, settings);
    const results = Promise.all([1, 2, 3].map((n) => batcher.add(message(n))));
    await sleep(5);
    expect(requests).toHaveLength(1);
    expect(requests[0]?.messages.map((m) => m.attributes.n)).toEqual(["1", "2", "3"]);
    requests[0]?.answer();
    expect(await results).toEqual(["id-1", "id-2", "id-3"]);
  });

  it("splits at the message limit", async () => {
    const sizes: number[] = [];
    const batcher = new PublishBatcher(async (messages) => (sizes.push(messages.length), messages.map(() => "x")), { ...settings, maxMessages: 1000 });
    await Promise.all(Array.from({ length: 2500 }, (_, n) => batcher.add(message(n))));
    expect(sizes).toEqual([1000, 1000, 500]);
  });

  it("splits at the byte limit, but never sends an empty request", async () => {
    const sizes: number[] = [];
    const batcher = new PublishBatcher(async (messages) => (sizes.push(messages.length), messages.map(() => "x")), { ...settings, maxBytes: 100_000 });
    await Promise.all(Array.from({ length: 10 }, (_, n) => batcher.add(message(n, 30_000))));
    expect(sizes.every((size) => size >= 1 && size <= 3)).toBe(true);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(10);
    await batcher.add(message(99, 200_000)); // larger than the limit on its own: sent alone
    expect(sizes.at(-1)).toBe(1);
  });

  it("keeps at most maxConcurrentRequests in flight and sends what gathered meanwhile when one returns", async () => {
    const { send, requests } = controlledSend();
    const batcher = new PublishBatcher(send, { ...settings, maxConcurrentRequests: 2 });
    const first = [batcher.add(message(1))];
    await sleep(2);
    const second = [batcher.add(message(2))];
    await sleep(2);
    const waiting = [3, 4, 5].map((n) => batcher.add(message(n)));
    await sleep(5);
    expect(requests).toHaveLength(2);
    expect(batcher.pending).toBe(5);
    requests[0]?.answer();
    await Promise.all(first);
    await sleep(1);
    expect(requests).toHaveLength(3);
    expect(requests[2]?.messages.map((m) => m.attributes.n)).toEqual(["3", "4", "5"]);
    requests[1]?.answer();
    requests[2]?.answer();
    await Promise.all([...second, ...waiting]);
    expect(batcher.pending).toBe(0);
  });

  it("fails every message of a failed request with the classified error", async () => {
    const { send, requests } = controlledSend();
    const batcher = new PublishBatcher(send, settings);
    const results = [1, 2].map((n) => batcher.add(message(n)).catch((e: unknown) => e));
    await sleep(2);
    requests[0]?.answer(new PublishError("topic_not_found", "no topic"));
    for (const error of await Promise.all(results)) {
      expect(error).toBeInstanceOf(PublishError);
      expect((error as PublishError).code).toBe("topic_not_found");
      expect((error as PublishError).retryable).toBe(false);
    }
  });

  it("classifies an unexpected transport error as retryable unavailability", async () => {
    const batcher = new PublishBatcher(async () => Promise.reject(new Error("socket hang up")), settings);
    const error = await batcher.add(message(1)).catch((e: unknown) => e);
    expect((error as PublishError).code).toBe("unavailable");
    expect((error as PublishError).retryable).toBe(true);
  });

  it("gives a request the remaining time of its oldest message", async () => {
    const { send, requests } = controlledSend();
    const batcher = new PublishBatcher(send, { ...settings, maxConcurrentRequests: 1, timeoutMs: 1_000 });
    const first = batcher.add(message(1));
    await sleep(2);
    const second = batcher.add(message(2));
    await sleep(150);
    requests[0]?.answer();
    await first;
    await sleep(2);
    expect(requests[1]?.timeoutMs).toBeLessThanOrEqual(860);
    expect(requests[1]?.timeoutMs).toBeGreaterThan(500);
    requests[1]?.answer();
    await second;
  });

  it("times a queued message out without sending it when no request slot frees before its deadline", async () => {
    const { send, requests } = controlledSend();
    const batcher = new PublishBatcher(send, { ...settings, maxConcurrentRequests: 1, timeoutMs: 50 });
    const first = batcher.add(message(1)).catch((e: unknown) => e);
    await sleep(2);
    const queued = batcher.add(message(2)).catch((e: unknown) => e);
    await sleep(80);
    requests[0]?.answer(new PublishError("timeout", "deadline exceeded"));
    expect(((await first) as PublishError).code).toBe("timeout");
    expect(((await queued) as PublishError).code).toBe("timeout");
    expect(requests).toHaveLength(1);
    expect(batcher.pending).toBe(0);
  });

  it("waits up to maxDelayMs for a batch to fill when configured", async () => {
    const sizes: number[] = [];
    const batcher = new PublishBatcher(async (messages) => (sizes.push(messages.length), messages.map(() => "x")), { ...settings, maxDelayMs: 30 });
    const a = batcher.add(message(1));
    await sleep(10);
    const b = batcher.add(message(2));
    await Promise.all([a, b]);
    expect(sizes).toEqual([2]);
  });

  it("flush resolves once everything queued and in flight has settled", async () => {
    const { send, requests } = controlledSend();
    const batcher = new PublishBatcher(send, { ...settings, maxDelayMs: 10_000 });
    const result = batcher.add(message(1));
    let flushed = false;
    const flushing = batcher.flush().then(() => (flushed = true));
    await sleep(5);
    expect(requests).toHaveLength(1); // flush did not wait for the 10 s delay
    expect(flushed).toBe(false);
    requests[0]?.answer();
    await flushing;
    expect(await result).toBe("id-1");
  });

  it("refuses new messages after close but completes the pending ones", async () => {
    const batcher = new PublishBatcher(instantSend, settings);
    const pending = batcher.add(message(7));
    await batcher.close();
    expect(await pending).toBe("id-7");
    const error = await batcher.add(message(8)).catch((e: unknown) => e);
    expect((error as PublishError).code).toBe("closed");
  });

  it("reports each request to the observer", async () => {
    const seen: [number, PublishError | null][] = [];
    const batcher = new PublishBatcher(instantSend, settings, (count, seconds, error) => {
      expect(seconds).toBeGreaterThanOrEqual(0);
      seen.push([count, error]);
    });
    await Promise.all([1, 2].map((n) => batcher.add(message(n))));
    expect(seen).toEqual([[2, null]]);
  });
});
