/**
 * The simulator process's settings, from the environment, validated once with every problem named.
 */
import { z } from "zod";
import { DEFAULT_SIMULATOR_CHATS, DEFAULT_SIMULATOR_PHONES } from "./controller.ts";
import { faultsSchema, type Faults } from "./faults.ts";

const envSchema = z.object({
  SIMULATOR_PORT: z.coerce.number().int().min(0).max(65535).default(4010),
  SIMULATOR_HOST: z.string().min(1).default("127.0.0.1"),
  SIMULATOR_CHATS: z.coerce.number().int().min(0).max(5_000_000).default(DEFAULT_SIMULATOR_CHATS),
  /** Comma-separated org phones, digits only. */
  SIMULATOR_PHONES: z
    .string()
    .default(DEFAULT_SIMULATOR_PHONES.join(","))
    .transform((s) => s.split(",").map((p) => p.trim()).filter((p) => p !== ""))
    .pipe(z.array(z.string().regex(/^\d{6,15}$/, "phones are digits only (country code + number)")).min(1)),
  /** Unset: any non-empty Bearer key is accepted. */
  SIMULATOR_API_KEY: z.string().min(1).optional(),
  SIMULATOR_SEED: z.string().min(1).default("42"),
  /** JSON object in the shape of `POST /__control/faults`. */
  SIMULATOR_FAULTS: z.string().optional(),
});

export interface SimulatorProcessConfig {
  port: number;
  host: string;
  chats: number;
  phones: string[];
  apiKey: string | undefined;
  seed: number | string;
  faults: Faults;
}

export function readSimulatorConfig(env: NodeJS.ProcessEnv): SimulatorProcessConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new Error(`Invalid simulator settings:\n${parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n")}`);
  }
  const e = parsed.data;
  return {
    port: e.SIMULATOR_PORT,
    host: e.SIMULATOR_HOST,
    chats: e.SIMULATOR_CHATS,
    phones: e.SIMULATOR_PHONES,
    apiKey: e.SIMULATOR_API_KEY,
    seed: /^\d+$/.test(e.SIMULATOR_SEED) ? Number(e.SIMULATOR_SEED) : e.SIMULATOR_SEED,
    faults: parseFaults(e.SIMULATOR_FAULTS),
  };
}

function parseFaults(raw: string | undefined): Faults {
  if (raw === undefined || raw.trim() === "") return faultsSchema.parse({});
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new Error("Invalid simulator settings:\n  SIMULATOR_FAULTS: not JSON");
  }
  const parsed = faultsSchema.safeParse(json);
  if (!parsed.success) {
    throw new Error(`Invalid simulator settings:\n${parsed.error.issues.map((i) => `  SIMULATOR_FAULTS.${i.path.join(".")}: ${i.message}`).join("\n")}`);
  }
  return parsed.data;
}
