/**
 * Points the dashboard's data views at configured index names (ELASTICSEARCH_INDEX,
 * ELASTICSEARCH_EVENTS_INDEX) instead of the defaults, line by line in the NDJSON export.
 */
const DATA_VIEWS = { messages: "periskope-messages", events: "periskope-events" } as const;

export function retargetDataViews(ndjson: string, indices: { messages?: string | undefined; events?: string | undefined }): string {
  return ndjson
    .split("\n")
    .map((line) => {
      if (line.trim() === "") return line;
      const object = JSON.parse(line) as { type: string; id: string; attributes: { title?: string } };
      if (object.type !== "index-pattern") return line;
      const role = (Object.keys(DATA_VIEWS) as (keyof typeof DATA_VIEWS)[]).find((r) => DATA_VIEWS[r] === object.id);
      const index = role ? indices[role] : undefined;
      return index ? JSON.stringify({ ...object, attributes: { ...object.attributes, title: index } }) : line;
    })
    .join("\n");
}
