import { describe, expect, it } from "vitest";
import { prettyLogLine } from "./pretty-log.ts";

describe("prettyLogLine", () => {
  const pretty = prettyLogLine(false);

  it("renders a pino JSON event as one line with its level, message and fields", () => {
    const line = pretty('{"level":"warn","time":"2026-12-06T20:12:00.123Z","service":"worker","event":"PeriskopeApiDisabled","code":"NO_API_KEY","message":"no key"}');
    expect(line).not.toContain("\n");
    expect(line).toMatch(/WARN.*no key.*"event":"PeriskopeApiDisabled".*"code":"NO_API_KEY"/);
    expect(line).not.toContain('"service"');
  });

  it("passes a line that is not JSON through unchanged", () => {
    expect(pretty("Error: something went wrong")).toBe("Error: something went wrong");
  });
});
