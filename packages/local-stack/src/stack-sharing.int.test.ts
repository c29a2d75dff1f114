import { describe, expect, it } from "vitest";
import { LOCAL_ELASTICSEARCH_URL } from "./elasticsearch.ts";
import { elasticsearchIsHealthy, pubsubEmulatorAnswers } from "./probes.ts";
import { LOCAL_PUBSUB_EMULATOR_HOST } from "./pubsub-emulator.ts";
import { ensureStack, stopStackIfUnused } from "./stack.ts";

// The global setup holds a lease on the stack for the whole run; this worker is a second user,
// like a parallel test run or `npm start` would be.
describe("a stack shared between processes", () => {
  it("is reused by a second user, and that user's stop leaves it running for the first", async () => {
    const second = await ensureStack({ ...process.env, ELASTICSEARCH_URL: "", PUBSUB_EMULATOR_HOST: "" });
    expect(second).toMatchObject({ elasticsearchUrl: LOCAL_ELASTICSEARCH_URL, pubsubEmulatorHost: LOCAL_PUBSUB_EMULATOR_HOST });
    await second.stop();
    await second.stop();
    expect(await elasticsearchIsHealthy(LOCAL_ELASTICSEARCH_URL)).toBe(true);
    expect(await pubsubEmulatorAnswers(LOCAL_PUBSUB_EMULATOR_HOST)).toBe(true);
  });

  it("is not reaped while a living process holds a lease", async () => {
    expect(await stopStackIfUnused()).toEqual([]);
    expect(await elasticsearchIsHealthy(LOCAL_ELASTICSEARCH_URL)).toBe(true);
  });
});
