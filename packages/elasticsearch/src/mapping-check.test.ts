import { describe, expect, it } from "vitest";
import { checkMapping } from "./mapping-check.ts";
import { readTemplate } from "./templates.ts";

describe("checkMapping", () => {
  const template = readTemplate("messages").template.mappings as Parameters<typeof checkMapping>[0];

  it("finds nothing wrong with an index built from the template", () => {
    expect(checkMapping(template, template)).toEqual({ conflicts: [], missing: [] });
  });

  it("names each field the original service's dynamic mapping typed otherwise", () => {
    // What Elasticsearch makes of the original service's documents without a template.
    const dynamic = {
      properties: {
        chat_id: { type: "text", fields: { keyword: { type: "keyword", ignore_above: 256 } } },
        message_id: { type: "text", fields: { keyword: { type: "keyword", ignore_above: 256 } } },
        body: { type: "text", fields: { keyword: { type: "keyword", ignore_above: 256 } } },
        from_me: { type: "boolean" },
        ack: { type: "long" },
        media: { properties: { size: { type: "long" }, mimetype: { type: "text" } } },
      },
    };
    const { conflicts, missing } = checkMapping(template, dynamic);
    expect(conflicts).toEqual([
      { field: "message_id", actual: "text", expected: "keyword" },
      { field: "chat_id", actual: "text", expected: "keyword" },
      { field: "ack", actual: "long", expected: "byte" },
      { field: "media.mimetype", actual: "text", expected: "keyword" },
    ]);
    expect(missing).toContain("chat_name_status");
    expect(missing).toContain("media.filename");
    expect(missing).not.toContain("body");
  });

  it("reads an object given as such and a multi-field the index lacks", () => {
    const check = checkMapping(
      { properties: { delivery_info: { type: "object" }, chat_name: { type: "text", fields: { keyword: { type: "keyword" } } } } },
      { properties: { delivery_info: { properties: { read: { type: "long" } } }, chat_name: { type: "text" } } },
    );
    expect(check).toEqual({ conflicts: [], missing: ["chat_name.keyword"] });
  });
});
