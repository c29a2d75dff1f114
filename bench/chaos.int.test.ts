/**
 * The chaos bench's scenario in CI (issue 10): 10,000 webhooks with the fault schedule compressed
 * to a quarter (Elasticsearch down 15 s, the kills seconds apart, Periskope failing 30 s), on a
 * private Elasticsearch and the shared emulator. Fails on any loss, duplicate, wrong state, valid
 * message dead-lettered, or message or cache entry without its chat's latest name once the
 * (generous) settle bound is over; the scenario checks until everything matches or that bound ends.
 * `npm run bench -- chaos` runs the same at 100,000 with the full schedule and all of issue 10's
 * targets.
 */
import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runChaos } from "./lib/chaos-scenario.ts";

describe("chaos: combined faults at 10,000 webhooks", () => {
  it("loses, duplicates and misstates nothing; every message and the cache carry their chat's latest name", async () => {
    const result = await runChaos({
      messages: 10_000,
      chats: 2_000,
      scale: 0.25,
      seed: "chaos-ci",
      esHeap: "512m",
      emulatorHost: process.env.PUBSUB_EMULATOR_HOST!,
      // A killed worker's messages come back within seconds.
      ackDeadlineSeconds: 10,
      // Generous: after a long outage on a loaded machine the backlog alone takes minutes to drain;
      // the scenario stops checking as soon as everything matches.
      settleBoundS: 240,
      log: (line) => process.stderr.write(`[chaos] ${line}\n`),
    });
    // For diagnosis: the whole result, wrong names with their timelines included.
    if (process.env.CHAOS_RESULT_FILE) writeFileSync(process.env.CHAOS_RESULT_FILE, JSON.stringify(result, null, 1));
    const figures = {
      lost: result.lost,
      duplicated: result.duplicated,
      wrong_state: result.wrong_state,
      valid_dead_lettered: result.valid_dead_lettered,
      wrong_or_missing_name: result.wrong_or_missing_name,
      not_accepted: result.details.not_accepted,
      wrong_cached_names: result.details.wrong_cached_names,
    };
    const context = JSON.stringify({ ...result, fault_timeline: undefined }, null, 1).slice(0, 6_000);
    expect(figures, context).toEqual({ lost: 0, duplicated: 0, wrong_state: 0, valid_dead_lettered: 0, wrong_or_missing_name: 0, not_accepted: 0, wrong_cached_names: 0 });
    expect(result.accepted).toBe(10_000);
  }, 900_000);
});
