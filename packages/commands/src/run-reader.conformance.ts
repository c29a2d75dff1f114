/**
 * One behaviour suite for every `RunReader`: `run-reader.test.ts` runs it in memory,
 * `run-reader.int.test.ts` against Elasticsearch.
 */
import type { CommandRun } from "./run-record.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunReader } from "./run-reader.ts";

export interface RunStoreHarness {
  readonly reader: RunReader;
  /** Stores a record the way the worker does (`_id` = command_id). */
  write(run: CommandRun): Promise<void>;
  dispose(): Promise<void>;
}

export function describeRunReaderConformance(name: string, createHarness: () => Promise<RunStoreHarness>): void {
  describe(`RunReader conformance: ${name}`, () => {
    let harness: RunStoreHarness;
    beforeAll(async () => {
      harness = await createHarness();
    });
    afterAll(async () => {
      await harness.dispose();
    });

    it("answers null for a command without a record", async () => {
      expect(await harness.reader.get("never-ran")).toBeNull();
    });

    it("answers the record as written, and its latest version", async () => {
      const run: CommandRun = { command_id: "cmd-a", type: "refresh-cache", args: { dry_run: true }, status: "running", requested_at: "2025-06-19T10:00:00.000Z", progress: { pages: 1 } };
      await harness.write(run);
      expect(await harness.reader.get("cmd-a")).toEqual(run);
      const finished: CommandRun = { ...run, status: "succeeded", finished_at: "2025-06-19T10:01:00.000Z", stats: { total_chats: 3, newly_cached: 1, already_cached: 2 } };
      await harness.write(finished);
      expect(await harness.reader.get("cmd-a")).toEqual(finished);
    });
  });
}
