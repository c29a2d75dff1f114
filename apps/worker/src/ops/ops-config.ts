/**
 * What the ops CLI reads from the environment: where Elasticsearch (run records) and Pub/Sub (the
 * commands topic) are — the same settings, names and defaults as the worker's.
 */
import { elasticsearchSettings, pubsubSettings } from "@periskope-pipeline/config";
import { z } from "zod";

export const opsConfigSchema = z.object({ ...elasticsearchSettings, ...pubsubSettings });

export type OpsConfig = z.output<typeof opsConfigSchema>;
