import { createLogger } from "@periskope-pipeline/observability";
import { messageCreated, subjectNotification, toRawBody } from "@periskope-pipeline/testkit";
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import type { ChatNameUpdate } from "./chat-names/index.ts";
import { resolved } from "./chat-names/chat-name.ts";
import { processBatch, type BatchDeps } from "./process-batch.ts";
import { INDEXED } from "./settle/outcome.ts";
import type { Delivery } from "./source/delivery.ts";

const silent = createLogger({ service: "test", level: "silent", destination: new Writable({ write: (_c, _e, cb) => cb() }) });
const CHAT = "120363000000000001@g.us";

function rename(settled: string[]): Delivery {
  const body = toRawBody(subjectNotification({ seed: "batch", chatId: CHAT, newName: "Renamed", orgPhone: "447700900123@c.us", at: Date.now() - 60_000 }));
  return { id: "r1", data: Buffer.from(body), attributes: {}, deliveryAttempt: 1, publishTime: Date.now(), ack: () => settled.push("ack"), nack: () => settled.push("nack") };
}

function message(settled: string[]): Delivery {
  const body = toRawBody(messageCreated({ seed: "batch", chatId: CHAT }));
  return { id: "m1", data: Buffer.from(body), attributes: {}, deliveryAttempt: 1, publishTime: Date.now(), ack: () => settled.push("ack"), nack: () => settled.push("nack") };
}

function deps(notWritten: readonly string[], persisted: ChatNameUpdate[], renamed: readonly string[] = []): BatchDeps {
  return {
    chatNames: {
      resolve: async () => new Map([[CHAT, resolved("Before")]]),
      learn: async (updates) => (persisted.push(...updates), new Set(notWritten)),
      indexedUnresolved: () => undefined,
      renamedSince: async () => new Set(renamed),
    },
    sink: { write: async (operations) => operations.map(() => INDEXED) },
    deadLetters: { publish: async () => undefined, close: async () => undefined },
    indices: { messages: "messages", events: "events" },
    log: silent,
  };
}

describe("processBatch and names learned from webhooks", () => {
  it("acks a rename only once its name is in the cache index", async () => {
    const settled: string[] = [];
    const persisted: ChatNameUpdate[] = [];
    await processBatch([rename(settled)], deps([], persisted));
    expect(persisted.map((u) => [u.chatId, u.chatName])).toEqual([[CHAT, "Renamed"]]);
    expect(settled).toEqual(["ack"]);
  });

  it("gives a rename back when its name could not be written, so a worker killed after the ack cannot lose it", async () => {
    const settled: string[] = [];
    await processBatch([rename(settled)], deps([CHAT], []));
    expect(settled).toEqual(["nack"]);
  });
});

describe("processBatch and names that changed while the batch waited", () => {
  it("gives back a message written under a name its chat lost meanwhile, and acks the others", async () => {
    const settled: string[] = [];
    await processBatch([message(settled)], deps([], [], [CHAT]));
    expect(settled).toEqual(["nack"]);
    const others: string[] = [];
    await processBatch([message(others)], deps([], [], ["120363000000000002@g.us"]));
    expect(others).toEqual(["ack"]);
  });
});
