import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "./logger.ts";

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { lines, destination };
}

describe("createLogger", () => {
  it("writes structured lines with service, level and event", () => {
    const { lines, destination } = capture();
    createLogger({ service: "ingress", destination }).warn({ event: "SignatureCheckDisabled", stage: "boot" }, "off");
    expect(lines[0]).toMatchObject({ service: "ingress", level: "warn", event: "SignatureCheckDisabled", stage: "boot", message: "off" });
  });

  it("censors secrets wherever they appear", () => {
    const { lines, destination } = capture();
    createLogger({ service: "w", destination }).info({ PERISKOPE_API_KEY: "sk_live", headers: { authorization: "Bearer t" }, client: { apiKey: "k" } });
    const text = JSON.stringify(lines[0]);
    expect(text).not.toContain("sk_live");
    expect(text).not.toContain("Bearer t");
    expect(text).not.toContain('"k"');
  });
});
