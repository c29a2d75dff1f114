/**
 * Which code runs which command type. Each handler takes the command's validated args and the
 * run context and returns the run's stats.
 */
import type { CommandMessage } from "@periskope-pipeline/commands";
import { recordedOrgPhones } from "../org-phones/org-phones.ts";
import { backfillChatNames } from "./backfill-chat-names/backfill-chat-names.ts";
import type { CommandDeps } from "./deps.ts";
import { refreshCache } from "./refresh-cache/refresh-cache.ts";
import { replayDeadLetters } from "./replay-dead-letters/replay-dead-letters.ts";
import { runExclusively } from "./exclusive-refresh.ts";
import type { JoinedRun, RunContext } from "./run-context.ts";
import type { Stats } from "./run-record.ts";
import type { CommandsIndex } from "./run-store.ts";
import { markWarm, warmUp } from "./warm-up.ts";

export interface CommandHandlers {
  run(command: CommandMessage, ctx: RunContext): Promise<Stats | JoinedRun>;
}

export function createHandlers(deps: CommandDeps, store: CommandsIndex): CommandHandlers {
  const refreshDeps = {
    es: deps.es,
    cacheIndex: deps.indices.chatNames,
    messagesIndex: deps.indices.messages,
    periskope: deps.periskope,
    phones: deps.phones,
    recordedPhones: () => recordedOrgPhones(deps.es, deps.indices.commands),
    pageSize: deps.settings.refreshPageSize,
    phoneConcurrency: deps.settings.refreshPhoneConcurrency,
    onChatNamesChanged: deps.onChatNamesChanged,
    logger: deps.logger,
  };
  // One refresh at a time across replicas; the lease lives as long as a run's heartbeat.
  const lease = { store, ttlMs: deps.settings.staleAfterMs, renewMs: deps.settings.heartbeatMs, logger: deps.logger };
  return {
    run(command, ctx) {
      switch (command.type) {
        case "refresh-cache":
          return runExclusively(lease, ctx, async (leased) => {
            const stats = await refreshCache(refreshDeps, command.args, leased);
            // A full refresh warmed the cache: a warm-up right after it would only repeat it.
            const { phones, chat_type, dry_run } = command.args;
            if (!phones && !chat_type && !dry_run) await markWarm(store, ctx.commandId);
            return stats;
          });
        case "warm-up":
          return warmUp({ store, intervalMs: deps.settings.warmUpIntervalMs, lease, refresh: (c) => refreshCache(refreshDeps, {}, c) }, ctx);
        case "backfill-chat-names":
          return backfillChatNames(
            { es: deps.es, messagesIndex: deps.indices.messages, cacheIndex: deps.indices.chatNames, batchSize: deps.settings.backfillBatchSize, pauseMs: deps.settings.backfillPauseMs },
            command.args,
            ctx,
          );
        case "replay-dead-letters":
          return replayDeadLetters(
            { pubsub: deps.pubsub, deadLetterSubscription: deps.topology.deadLetterSubscription, eventsTopic: deps.topology.eventsTopic, batchSize: deps.settings.replayBatchSize, idleMs: deps.settings.replayIdleMs },
            command.args,
            ctx,
          );
      }
    },
  };
}
