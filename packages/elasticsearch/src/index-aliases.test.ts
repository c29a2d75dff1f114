import { describe, expect, it } from "vitest";
import { generationOf, IndexMappingError, nextIndexName } from "./index-aliases.ts";

describe("index generations", () => {
  it("starts at 000001 and continues after the highest generation of that name only", () => {
    expect(nextIndexName("whatsapp_messages", [])).toBe("whatsapp_messages-000001");
    expect(nextIndexName("whatsapp_messages", ["whatsapp_messages-000001", "whatsapp_messages-000003", "whatsapp_messages-old", "other-000009"])).toBe("whatsapp_messages-000004");
    expect(generationOf("a", "a-000002")).toBe(2);
    expect(generationOf("a", "a-b-000002")).toBeUndefined();
  });
});

describe("IndexMappingError", () => {
  it("says what is wrong, why, and the command that fixes it", () => {
    const error = new IndexMappingError("whatsapp_messages", ["index whatsapp_messages: field chat_id is text, must be keyword"], "npm run ops -- migrate-index whatsapp_messages whatsapp_messages-000001", true);
    expect(error.message).toContain("field chat_id is text, must be keyword");
    expect(error.message).toContain("concrete index");
    expect(error.message).toContain("npm run ops -- migrate-index whatsapp_messages whatsapp_messages-000001");
  });
});
