/**
 * What each app reads from its environment, taken from the app's own config schema, so a new
 * required variable fails the deployment checks until compose, Terraform and Kubernetes set it.
 */
import { knownVariables, requiredVariables } from "@periskope-pipeline/config";
import type { z } from "zod";
import { repoPath } from "./repo.ts";

export type AppName = "ingress" | "worker";
export const APPS: readonly AppName[] = ["ingress", "worker"];

export interface AppVariables {
  /** No default: the app refuses to start without them. */
  readonly required: readonly string[];
  /** Every variable the schema reads. */
  readonly known: readonly string[];
}

export async function appVariables(app: AppName): Promise<AppVariables> {
  const module = (await import(repoPath(`apps/${app}/src/config.ts`))) as { configSchema: z.ZodObject };
  return { required: requiredVariables(module.configSchema), known: knownVariables(module.configSchema) };
}

/**
 * Settings whose defaults are right only on a laptop (127.0.0.1, the emulator's project) or that
 * carry the credentials a real deployment needs; a cloud deployment must set each one its app reads.
 */
export const PRODUCTION_SETTINGS = [
  "ELASTICSEARCH_URL",
  "ELASTICSEARCH_API_KEY",
  "PUBSUB_PROJECT_ID",
  "PERISKOPE_API_KEY",
  "PERISKOPE_PHONES",
  "PERISKOPE_SIGNING_KEY",
  "ADMIN_TOKEN",
] as const;

/** Variables a deployment must set for `app`: the required ones plus the production settings it reads. */
export function deploymentVariables(vars: AppVariables): string[] {
  const production = PRODUCTION_SETTINGS.filter((name) => vars.known.includes(name));
  return [...new Set([...vars.required, ...production])].sort();
}

/** Set by the platform or for the client libraries, not read through the app's schema. */
export const PLATFORM_VARIABLES = ["NODE_ENV", "METADATA_SERVER_DETECTION", "GOOGLE_CLOUD_PROJECT"] as const;
