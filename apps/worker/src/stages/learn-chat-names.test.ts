import { subjectNotification } from "@periskope-pipeline/testkit";
import { describe, expect, it } from "vitest";
import type { ChatNameUpdate } from "../chat-names/index.ts";
import { decode } from "./decode.ts";
import { learnChatNames } from "./learn-chat-names.ts";

const RECEIVED = Date.parse("2025-06-19T10:00:00Z");

function event(body: object) {
  const result = decode({ id: "p", data: Buffer.from(JSON.stringify(body)), attributes: { received_at: new Date(RECEIVED).toISOString() }, deliveryAttempt: 1, publishTime: 0, ack() {}, nack() {} });
  if (!result.ok) throw new Error("fixture must decode");
  return result.event;
}

describe("learnChatNames", () => {
  it("learns renames in change-time order and skips one whose time is out of range (it would pin the cache index)", async () => {
    const learned: ChatNameUpdate[] = [];
    const chatId = "120363400000000001@g.us";
    const { learned: found } = await learnChatNames(
      [
        event(subjectNotification({ chatId, newName: "Later", at: RECEIVED - 60_000 })),
        event(subjectNotification({ chatId, newName: "From the future", at: RECEIVED + 2 * 86_400_000 })),
        event(subjectNotification({ chatId, newName: "Earlier", at: RECEIVED - 120_000 })),
      ],
      { learn: async (updates) => (learned.push(...updates), new Set()) },
    );
    expect(found.map((l) => l.update.chatName)).toEqual(["Earlier", "Later"]);
    expect(learned.map((u) => u.chatName)).toEqual(["Earlier", "Later"]);
  });
});
