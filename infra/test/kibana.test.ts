/**
 * The Kibana dashboard's saved objects parse, reference each other consistently, and use only
 * fields the index templates map, with types their aggregations can use.
 */
import { describe, expect, it } from "vitest";
import { DEAD_LETTER_EVENT_TYPE } from "../../apps/worker/src/dead-letter/dead-letter-records.ts";
import { retargetDataViews } from "../kibana/retarget.ts";
import { templateFields } from "./index-fields.ts";
import { readRepoFile } from "./repo.ts";

interface SavedObject {
  type: string;
  id: string;
  attributes: Record<string, unknown>;
  references: { name: string; type: string; id: string }[];
}

const NDJSON = readRepoFile("infra/kibana/saved-objects.ndjson");
const objects = NDJSON.split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l) as SavedObject);
const templates = templateFields();
const byKey = new Map(objects.map((o) => [`${o.type}:${o.id}`, o]));

/** Aggregatable field types per aggregation (text is not aggregatable). */
const AGG_FIELD_TYPES: Record<string, string[]> = {
  date_histogram: ["date"],
  terms: ["keyword", "boolean", "integer", "long", "byte", "date"],
};

function fieldsOf(dataViewId: string): ReadonlyMap<string, string> {
  const view = byKey.get(`index-pattern:${dataViewId}`);
  const title = view?.attributes.title;
  const template = templates.find((t) => t.index === title);
  if (!template) throw new Error(`data view ${dataViewId} (${String(title)}) matches no index template`);
  return template.fields;
}

/** Field names a KQL query compares (`field : value`). */
function kqlFields(query: string): string[] {
  return [...query.matchAll(/([A-Za-z_@][\w.@]*)\s*:/g)].map((m) => m[1] ?? "");
}

describe("Kibana saved objects", () => {
  it("parse as NDJSON with unique ids and known types", () => {
    expect(objects.length).toBeGreaterThan(3);
    expect(new Set(objects.map((o) => `${o.type}:${o.id}`)).size).toBe(objects.length);
    for (const o of objects) expect(["index-pattern", "visualization", "dashboard"]).toContain(o.type);
  });

  it("reference only objects in the same file", () => {
    for (const o of objects) for (const ref of o.references) expect(byKey.has(`${ref.type}:${ref.id}`), `${o.id} → ${ref.id}`).toBe(true);
  });

  it("point data views at index templates, with a mapped date field as time field", () => {
    for (const view of objects.filter((o) => o.type === "index-pattern")) {
      expect(fieldsOf(view.id).get(String(view.attributes.timeFieldName))).toBe("date");
    }
  });

  it("aggregate and filter only on fields the templates map, with usable types", () => {
    const problems: string[] = [];
    for (const vis of objects.filter((o) => o.type === "visualization")) {
      const view = vis.references.find((r) => r.type === "index-pattern");
      const fields = fieldsOf(view?.id ?? "");
      const state = JSON.parse(String(vis.attributes.visState)) as { aggs: { type: string; params: { field?: string } }[] };
      for (const agg of state.aggs) {
        const field = agg.params.field;
        if (field === undefined) continue;
        const type = fields.get(field);
        if (!type) problems.push(`${vis.id}: ${field} is not mapped`);
        else if (!(AGG_FIELD_TYPES[agg.type] ?? []).includes(type)) problems.push(`${vis.id}: ${agg.type} on ${field} (${type})`);
      }
      const meta = vis.attributes.kibanaSavedObjectMeta as { searchSourceJSON: string };
      const search = JSON.parse(meta.searchSourceJSON) as { query: { query: string }; indexRefName: string };
      expect(vis.references.map((r) => r.name)).toContain(search.indexRefName);
      for (const field of kqlFields(search.query.query)) if (!fields.has(field)) problems.push(`${vis.id}: query field ${field} is not mapped`);
    }
    expect(problems).toEqual([]);
  });

  it("count dead letters by the event type the worker gives their records", () => {
    const panel = byKey.get("visualization:periskope-dead-letters-by-kind");
    const meta = panel?.attributes.kibanaSavedObjectMeta as { searchSourceJSON: string } | undefined;
    const query = (JSON.parse(meta?.searchSourceJSON ?? "{}") as { query?: { query?: string } }).query?.query;
    expect(query).toBe(`event_type : "${DEAD_LETTER_EVENT_TYPE}"`);
  });

  it("put the four required views on one dashboard", () => {
    const dashboard = objects.find((o) => o.type === "dashboard");
    const panels = JSON.parse(String(dashboard?.attributes.panelsJSON)) as { panelRefName: string }[];
    const refs = new Map(dashboard?.references.map((r) => [r.name, r.id]));
    const shown = panels.map((p) => byKey.get(`visualization:${refs.get(p.panelRefName)}`)?.attributes.title);
    expect(shown).toEqual(["Messages over time by event type", "Top chats by name", "Unresolved chat names", "Dead letters by kind"]);
  });

  it("can be pointed at configured index names by the import script", () => {
    const retargeted = retargetDataViews(NDJSON, { messages: "acme_messages" });
    const views = retargeted.split("\n").filter(Boolean).map((l) => JSON.parse(l) as SavedObject).filter((o) => o.type === "index-pattern");
    expect(views.map((v) => v.attributes.title)).toEqual(["acme_messages", "whatsapp_events"]);
  });
});
