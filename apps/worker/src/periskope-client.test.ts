import { loadConfig } from "@periskope-pipeline/config";
import { startSimulator, type SimulatorHandle } from "@periskope-pipeline/testkit";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ApiTier } from "./chat-names/api-tier.ts";
import { chatPages } from "./commands/refresh-cache/chat-pages.ts";
import { configSchema } from "./config.ts";
import { createWorkerPeriskopeClient } from "./periskope-client.ts";

const API_KEY = "sk_periskope_shared";
let sim: SimulatorHandle;

beforeAll(async () => {
  sim = await startSimulator({ chats: 20, apiKey: API_KEY });
});
afterAll(() => sim.close({ graceMs: 0 }));

function sharedClient(onAttempt?: (outcome: string) => void) {
  const config = loadConfig(configSchema, { PERISKOPE_API_URL: sim.url, PERISKOPE_API_KEY: API_KEY, PERISKOPE_PHONES: sim.phones.join(",") });
  return createWorkerPeriskopeClient(config, onAttempt ? (e) => onAttempt(e.outcome) : undefined);
}

describe("the worker's one Periskope client", () => {
  it("is absent without an API key", () => {
    expect(createWorkerPeriskopeClient(loadConfig(configSchema, {}))).toBeUndefined();
  });

  it("makes a 429 seen by a refresh's page delay the pipeline's next lookup", async () => {
    const outcomes: string[] = [];
    const client = sharedClient((o) => outcomes.push(o));
    if (!client) throw new Error("client expected");
    sim.failNext({ route: "listChats", action: { type: "rate-limit", seconds: 3 } });
    const pages = chatPages(client, { phone: sim.phones[0] as string, offset: 0, limit: 5, signal: new AbortController().signal });
    const firstPage = pages.next();
    await vi.waitUntil(() => outcomes.includes("429"), { timeout: 5_000 });

    const lookups = new ApiTier({ client, concurrency: 2, maxQueued: 10 });
    const started = performance.now();
    expect(await lookups.lookup(sim.chatIds({ limit: 1 })[0] as string)).toMatchObject({ kind: "found" });
    // Retry-After: 3 s; the lookup started a moment after the 429 and still waited most of it.
    expect(performance.now() - started).toBeGreaterThanOrEqual(1_500);
    await firstPage;
    await pages.return(undefined);
  });
});
