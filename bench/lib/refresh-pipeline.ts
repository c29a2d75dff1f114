/**
 * One `refresh-cache` run the way production runs it: published to the commands topic, picked up
 * by the command runner, recorded in the commands index; timed from publish until the record says
 * it succeeded.
 */
import { newCommand } from "@periskope-pipeline/commands";
import type { ElasticsearchClient } from "@periskope-pipeline/elasticsearch";
import type { PubSub } from "@google-cloud/pubsub";
import { publishCommand, type StoredRun } from "../../apps/worker/src/commands/index.ts";

export interface PipelineRun {
  wallMs: number;
  run: StoredRun;
}

export async function timedRefresh(pubsub: PubSub, topic: string, es: ElasticsearchClient, commandsIndex: string, timeoutMs: number): Promise<PipelineRun> {
  const command = newCommand({ type: "refresh-cache", args: {} }, "bench");
  const started = performance.now();
  await publishCommand(pubsub, topic, command);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const response = await es.get<StoredRun>({ index: commandsIndex, id: command.command_id }, { ignore: [404] });
    const run = response.found ? response._source : undefined;
    if (run?.status === "succeeded") return { wallMs: performance.now() - started, run };
    if (run?.status === "failed") throw new Error(`refresh failed: ${run.error?.code}: ${run.error?.message}`);
    // Polling every 20 ms adds at most that much to a run that takes seconds.
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`refresh did not finish within ${timeoutMs} ms`);
}
