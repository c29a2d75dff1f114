import { describe, expect, it } from "vitest";
import { orgPhoneDigits } from "./org-phones.ts";

describe("orgPhoneDigits", () => {
  it("takes the digits the API's x-phone wants from a webhook's org_phone", () => {
    expect(orgPhoneDigits("447700900123@c.us")).toBe("447700900123");
    expect(orgPhoneDigits("447700900123")).toBe("447700900123");
    expect(orgPhoneDigits(" +447700900123 ")).toBe("447700900123");
  });

  it("ignores what is not a phone", () => {
    for (const value of [undefined, null, 447700900123, "", "120363400000000001@g.us", "abc@c.us", "12@c.us", "1234567890123456789"]) expect(orgPhoneDigits(value)).toBeUndefined();
  });
});
