import { describe, expect, it } from "vitest";
import { toPhoneHeader } from "./phone.ts";

describe("toPhoneHeader", () => {
  it("keeps plain digits", () => {
    expect(toPhoneHeader("447700900123")).toBe("447700900123");
  });

  it("strips the @c.us suffix of an org_phone", () => {
    expect(toPhoneHeader("447700900123@c.us")).toBe("447700900123");
  });

  it("strips plus signs, spaces and punctuation", () => {
    expect(toPhoneHeader(" +44 (7700) 900-123 ")).toBe("447700900123");
  });

  it("passes phone ids through", () => {
    expect(toPhoneHeader("phone-abc123def456")).toBe("phone-abc123def456");
  });
});
