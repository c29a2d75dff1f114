/**
 * Imports the Kibana dashboard (saved-objects.ndjson) through Kibana's saved objects import API.
 * Not run in CI (no Kibana there); the objects themselves are checked by infra/test/kibana.test.ts.
 *
 *   npx node infra/kibana/import.ts
 *
 * Settings (environment): KIBANA_URL (http://127.0.0.1:5601, as in docker-compose),
 * KIBANA_API_KEY or KIBANA_USERNAME + KIBANA_PASSWORD (none for the local stack), KIBANA_SPACE
 * (default space when unset). ELASTICSEARCH_INDEX and ELASTICSEARCH_EVENTS_INDEX, when set, replace
 * the default index names the data views point at. Existing objects with the same ids are overwritten.
 */
import { readFileSync } from "node:fs";
import { retargetDataViews } from "./retarget.ts";

const url = (process.env.KIBANA_URL ?? "http://127.0.0.1:5601").replace(/\/+$/, "");
const space = process.env.KIBANA_SPACE ? `/s/${encodeURIComponent(process.env.KIBANA_SPACE)}` : "";
const headers: Record<string, string> = { "kbn-xsrf": "periskope-pipeline" };
if (process.env.KIBANA_API_KEY) headers.authorization = `ApiKey ${process.env.KIBANA_API_KEY}`;
else if (process.env.KIBANA_USERNAME) {
  headers.authorization = `Basic ${Buffer.from(`${process.env.KIBANA_USERNAME}:${process.env.KIBANA_PASSWORD ?? ""}`).toString("base64")}`;
}

const ndjson = retargetDataViews(readFileSync(new URL("./saved-objects.ndjson", import.meta.url), "utf8"), {
  messages: process.env.ELASTICSEARCH_INDEX,
  events: process.env.ELASTICSEARCH_EVENTS_INDEX,
});
const form = new FormData();
form.append("file", new Blob([ndjson], { type: "application/ndjson" }), "saved-objects.ndjson");

const response = await fetch(`${url}${space}/api/saved_objects/_import?overwrite=true`, { method: "POST", headers, body: form });
const result = (await response.json().catch(() => ({}))) as { success?: boolean; successCount?: number; errors?: unknown[] };
if (!response.ok || result.success !== true) {
  process.stderr.write(`Kibana import failed (HTTP ${response.status}): ${JSON.stringify(result.errors ?? result)}\n`);
  process.exit(1);
}
process.stdout.write(`imported ${result.successCount} saved objects; open ${url}${space}/app/dashboards#/view/periskope-pipeline\n`);
