export { createElasticsearchClient, elasticsearchOptionsFromEnv, waitForElasticsearch } from "./client.ts";
export type { ElasticsearchOptions } from "./client.ts";
export { DEFAULT_TEMPLATES_DIR, indexNamesFromEnv, installTemplates, readTemplate, scopedIndexNames } from "./templates.ts";
export type { IndexNames, IndexRole, IndexTemplate } from "./templates.ts";
export { bulkItemResult, classifyBulkItem } from "./bulk-outcome.ts";
export type { BulkItemOutcome, BulkItemResult } from "./bulk-outcome.ts";
export type { Client as ElasticsearchClient } from "@elastic/elasticsearch";
