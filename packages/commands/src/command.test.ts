import { describe, expect, it } from "vitest";
import { describeIssues, newCommand, parseCommandMessage, parseCommandRequest } from "./command.ts";

describe("command contract", () => {
  it("fills empty args and keeps typed args", () => {
    const r = parseCommandRequest({ type: "warm-up" });
    expect(r.success && r.data).toEqual({ type: "warm-up", args: {} });
    const refresh = parseCommandRequest({ type: "refresh-cache", args: { phones: ["447700900123"], dry_run: true } });
    expect(refresh.success && refresh.data.args).toEqual({ phones: ["447700900123"], dry_run: true });
  });

  it.each([
    [{ type: "drop-everything" }, "type"],
    [{ type: "refresh-cache", args: { phones: ["+44 7700"] } }, "args.phones.0"],
    [{ type: "refresh-cache", args: { surprise: 1 } }, "args"],
    [{ type: "replay-dead-letters", args: { limit: 0 } }, "args.limit"],
    [{ type: "backfill-chat-names", args: { since: "last tuesday" } }, "args.since"],
  ])("refuses %j, naming %s", (input, path) => {
    const r = parseCommandRequest(input);
    expect(r.success).toBe(false);
    expect(!r.success && describeIssues(r.error).join("\n")).toContain(path);
  });

  it("round-trips a published command and keeps a given id", () => {
    const msg = newCommand({ type: "replay-dead-letters", args: { limit: 5 } }, "ops-cli", "cmd-1");
    const parsed = parseCommandMessage(JSON.parse(JSON.stringify(msg)));
    expect(parsed.success && parsed.data).toEqual(msg);
    expect(msg.command_id).toBe("cmd-1");
  });

  it("gives each new command its own id", () => {
    expect(newCommand({ type: "warm-up", args: {} }).command_id).not.toBe(newCommand({ type: "warm-up", args: {} }).command_id);
  });
});
