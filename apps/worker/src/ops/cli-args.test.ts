import { describe, expect, it } from "vitest";
import { DEFAULT_WAIT_TIMEOUT_SECONDS, UsageError, parseCliArgs } from "./cli-args.ts";

describe("parseCliArgs", () => {
  it("turns flags into the contract's args", () => {
    expect(parseCliArgs(["refresh-cache", "--phones", "447700900123, 919812300456", "--chat-type", "group", "--dry-run", "--wait"])).toEqual({
      kind: "publish",
      request: { type: "refresh-cache", args: { phones: ["447700900123", "919812300456"], chat_type: "group", dry_run: true } },
      wait: true,
      json: false,
      timeoutSeconds: DEFAULT_WAIT_TIMEOUT_SECONDS,
    });
    expect(parseCliArgs(["replay-dead-letters", "--limit", "50", "--event-type", "message.created"])).toMatchObject({
      request: { type: "replay-dead-letters", args: { limit: 50, event_type: "message.created" } },
      wait: false,
    });
    expect(parseCliArgs(["backfill-chat-names", "--since", "2025-06-18T00:00:00Z", "--chat-id", "a@g.us"])).toMatchObject({
      request: { args: { since: "2025-06-18T00:00:00Z", chat_id: "a@g.us" } },
    });
  });

  it("gives a command without flags its default args", () => {
    expect(parseCliArgs(["warm-up"])).toMatchObject({ kind: "publish", request: { type: "warm-up", args: {} } });
  });

  it("rejects what the contract rejects, naming the field", () => {
    expect(() => parseCliArgs(["refresh-cache", "--chat-type", "channel"])).toThrow(/chat_type/);
    expect(() => parseCliArgs(["refresh-cache", "--phones", "not-a-phone"])).toThrow(/phones\.0/);
    expect(() => parseCliArgs(["backfill-chat-names", "--since", "yesterday"])).toThrow(/since/);
  });

  it("rejects unknown commands, unknown flags and malformed numbers as usage errors", () => {
    expect(() => parseCliArgs(["refresh"])).toThrow(UsageError);
    expect(() => parseCliArgs(["refresh-cache", "--limit", "5"])).toThrow(UsageError);
    expect(() => parseCliArgs(["replay-dead-letters", "--limit", "many"])).toThrow(/whole number/);
    expect(() => parseCliArgs(["status"])).toThrow(/usage: ops status/);
  });

  it("parses status, list and help", () => {
    expect(parseCliArgs(["status", "abc-1", "--wait", "--timeout", "30"])).toEqual({ kind: "status", commandId: "abc-1", wait: true, json: false, timeoutSeconds: 30 });
    expect(parseCliArgs(["list", "--limit", "5", "--json"])).toEqual({ kind: "list", limit: 5, json: true });
    expect(parseCliArgs([])).toEqual({ kind: "help" });
    expect(parseCliArgs(["refresh-cache", "--help"])).toEqual({ kind: "help" });
  });

  it("parses migrate-index with its two index names and an optional template role", () => {
    expect(parseCliArgs(["migrate-index", "whatsapp_messages", "whatsapp_messages-000001"])).toEqual({ kind: "migrate-index", from: "whatsapp_messages", to: "whatsapp_messages-000001", template: undefined });
    expect(parseCliArgs(["migrate-index", "old", "new", "--template", "chatNames"])).toMatchObject({ template: "chatNames" });
    expect(() => parseCliArgs(["migrate-index", "only-one"])).toThrow(/usage: ops migrate-index/);
    expect(() => parseCliArgs(["migrate-index", "a", "b", "--template", "chats"])).toThrow(/--template must be one of/);
  });
});
