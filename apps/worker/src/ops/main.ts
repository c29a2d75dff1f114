#!/usr/bin/env node
/**
 * The ops CLI (design §5): `npm run ops -- <command> [args] [--wait]`, `status <id>`, `list`.
 * Validates args with the command contract, publishes to the commands topic, and with `--wait`
 * follows the run record with a progress bar, then prints its stats. The exit code says how it
 * ended (see `usage.ts`), so scripts and cron jobs can rely on it.
 */
import { hostname } from "node:os";
import { ConfigError, loadConfig, loadDotEnv } from "@periskope-pipeline/config";
import { ElasticsearchRunReader, newCommand, TERMINAL_STATUSES, waitForRun, type CommandMessage, type CommandRun } from "@periskope-pipeline/commands";
import { createElasticsearchClient, elasticsearchOptionsFromEnv } from "@periskope-pipeline/elasticsearch";
import { createPubSub } from "@periskope-pipeline/pubsub";
import { publishCommand } from "../commands/index.ts";
import { UsageError, parseCliArgs, type CliAction } from "./cli-args.ts";
import { noMetadataProbeOffCloud, opsConfigSchema, useRunningLocalStack, type OpsConfig } from "./ops-config.ts";
import { ProgressView } from "./progress-view.ts";
import { runMigrateIndex } from "./migrate-index.ts";
import { runList, runSummary } from "./render.ts";
import { USAGE } from "./usage.ts";

const EXIT = { ok: 0, failed: 1, usage: 2, timeout: 3, notFound: 4, unreachable: 5, interrupted: 130 } as const;

async function main(argv: readonly string[]): Promise<number> {
  let action: CliAction;
  try {
    action = parseCliArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`error: ${error.message}\n(npm run ops -- help for usage)\n`);
    return EXIT.usage;
  }
  if (action.kind === "help") {
    process.stdout.write(`${USAGE}\n`);
    return EXIT.ok;
  }

  loadDotEnv();
  const localStart = await useRunningLocalStack(process.env);
  noMetadataProbeOffCloud(process.env);
  let config: OpsConfig;
  try {
    config = loadConfig(opsConfigSchema, process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`error: invalid settings:\n${error.message}\n`);
    return EXIT.usage;
  }
  if (localStart !== undefined) {
    const pubsub = config.PUBSUB_EMULATOR_HOST ? `emulator ${config.PUBSUB_EMULATOR_HOST}` : "Pub/Sub";
    process.stderr.write(`using the stack of npm start (pid ${localStart}): ${pubsub}, project ${config.PUBSUB_PROJECT_ID}, Elasticsearch ${config.ELASTICSEARCH_URL}\n`);
  }
  const es = createElasticsearchClient({ ...elasticsearchOptionsFromEnv(config), maxRetries: 1 });
  const reader = new ElasticsearchRunReader(es, config.ELASTICSEARCH_COMMANDS_INDEX);
  try {
    switch (action.kind) {
      case "list": {
        const runs = await reader.recent(action.limit);
        process.stdout.write(`${action.json ? JSON.stringify(runs, null, 2) : runList(runs)}\n`);
        return EXIT.ok;
      }
      case "status": {
        const run = await reader.get(action.commandId);
        if (!run && !action.wait) {
          process.stderr.write(`no run recorded for ${action.commandId}: unknown, or not picked up by a worker yet\n`);
          return EXIT.notFound;
        }
        // A joined record is final too, but `--wait` follows it to the run that does the work.
        if (run && (!action.wait || (TERMINAL_STATUSES.has(run.status) && run.status !== "joined"))) return report(run, action.json);
        return await follow(reader, action.commandId, action.timeoutSeconds, action.json);
      }
      case "migrate-index":
        return await runMigrateIndex(es, config, action);
      case "publish": {
        const command = newCommand(action.request, `ops-cli@${hostname()}`);
        await publish(config, command);
        if (action.json && !action.wait) process.stdout.write(`${JSON.stringify({ command_id: command.command_id, type: command.type })}\n`);
        else process.stdout.write(`published ${command.type}: command_id ${command.command_id}\n`);
        if (!action.wait) return EXIT.ok;
        return await follow(reader, command.command_id, action.timeoutSeconds, action.json);
      }
    }
  } catch (error) {
    process.stderr.write(`error: ${describeInfraError(error)}\n`);
    return EXIT.unreachable;
  } finally {
    await es.close();
  }
}

/** Publishes with a client of its own, closed at once: waiting needs only Elasticsearch. */
async function publish(config: OpsConfig, command: CommandMessage): Promise<void> {
  const pubsub = createPubSub({ projectId: config.PUBSUB_PROJECT_ID, emulatorHost: config.PUBSUB_EMULATOR_HOST });
  try {
    // Asked first because a publish without credentials also leaves a rejected promise inside the
    // library that no caller can catch, and it ends the process with a stack trace.
    if (!config.PUBSUB_EMULATOR_HOST) {
      await pubsub.auth.getClient().catch(() => {
        throw new Error(
          `Pub/Sub: no Google credentials for project ${config.PUBSUB_PROJECT_ID}; start the local stack (npm start) in this checkout, set PUBSUB_EMULATOR_HOST, or set up credentials (gcloud auth application-default login)`,
        );
      });
    }
    await publishCommand(pubsub, config.PUBSUB_COMMANDS_TOPIC, command);
  } finally {
    await pubsub.close();
  }
}

async function follow(reader: ElasticsearchRunReader, commandId: string, timeoutSeconds: number, json: boolean): Promise<number> {
  const view = json ? undefined : new ProgressView();
  const interrupt = new AbortController();
  const onSigint = () => interrupt.abort();
  let readErrorShown = false;
  process.once("SIGINT", onSigint);
  try {
    const result = await waitForRun(reader, commandId, {
      timeoutMs: timeoutSeconds * 1000,
      signal: interrupt.signal,
      onUpdate: (run) => view?.update(run),
      onUnclaimed: () => process.stderr.write(`no worker has picked up ${commandId} yet; is a worker running? (still waiting)\n`),
      onReadError: (error) => {
        if (!readErrorShown) process.stderr.write(`cannot read the run record right now (${describeInfraError(error)}); still waiting\n`);
        readErrorShown = true;
      },
    });
    view?.stop();
    if (result.ended) return report(result.run, json);
    const state = result.run ? `still ${result.run.status}` : "not picked up";
    const why = result.reason === "timeout" ? `after ${timeoutSeconds} s` : "when interrupted";
    process.stderr.write(`${commandId} ${state} ${why}; the run goes on. Check later: npm run ops -- status ${commandId}\n`);
    return result.reason === "timeout" ? EXIT.timeout : EXIT.interrupted;
  } finally {
    view?.stop();
    process.removeListener("SIGINT", onSigint);
  }
}

function report(run: CommandRun, json: boolean): number {
  process.stdout.write(`${json ? JSON.stringify(run, null, 2) : runSummary(run)}\n`);
  if (run.status === "failed") {
    process.stderr.write(`${run.type} failed: ${run.error?.code ?? "unknown"}: ${run.error?.message ?? "no reason recorded"}\n`);
    return EXIT.failed;
  }
  return EXIT.ok;
}

function describeInfraError(error: unknown): string {
  const name = (error as { name?: string } | null)?.name ?? "";
  const message = error instanceof Error ? error.message : String(error);
  if (/Connection|Timeout|NoLiving/.test(name)) return `cannot reach Elasticsearch: ${message}`;
  if (typeof (error as { code?: unknown } | null)?.code === "number") return `Pub/Sub: ${message}`;
  return message;
}

process.exitCode = await main(process.argv.slice(2));
