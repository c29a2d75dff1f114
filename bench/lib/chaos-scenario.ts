/**
 * The chaos scenario (issue 10), shared by `npm run bench -- chaos` and its CI integration test:
 * realistic traffic (chaos-traffic.ts) sent like Periskope sends it (testkit's sendLikePeriskope)
 * through the real ingress and two real worker processes, onto a private Elasticsearch (stopped and
 * started again on the same data) and a Pub/Sub emulator, with the Periskope simulator; faults on
 * a schedule (chaos-faults.ts); then the index compared with the oracle (chaos-check.ts) until it
 * matches or the bound passes.
 */
import { cpus, loadavg, totalmem } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import type { Message } from "@google-cloud/pubsub";
import { freePort, startPrivateEmulator, type PrivateEmulator } from "@periskope-pipeline/local-stack";
import { sendLikePeriskope, startSimulator, type PeriskopeSendResult } from "@periskope-pipeline/testkit";
import { INGRESS_NODE_FLAGS } from "../../apps/ingress/src/server/node-flags.ts";
import { WORKER_NODE_FLAGS } from "../../apps/worker/src/node-flags.ts";
import { createOwnElasticsearch } from "../../apps/worker/test/support/own-elasticsearch.ts";
import { createTestStack } from "../../apps/worker/test/support/test-stack.ts";
import { checkAgainstOracle, type OracleCheck } from "./chaos-check.ts";
import { chaosSchedule, plannedEndS, runFaults, type TimelineEntry } from "./chaos-faults.ts";
import { appRole, type AppRole } from "./chaos-processes.ts";
import { chaosTraffic, type ChaosChat, type Traffic } from "./chaos-traffic.ts";

export interface ChaosOptions {
  /** Webhook deliveries, duplicates included. */
  readonly messages: number;
  readonly chats: number;
  /** Deliveries started per second; default: spread over 1.2 × the fault schedule. */
  readonly ratePerSecond?: number;
  /** Compresses the fault schedule (1 = the issue's: ES down 60 s, Periskope failing 2 min). */
  readonly scale: number;
  readonly seed: string;
  readonly esHeap: string;
  /** Use this emulator (host:port) instead of starting a private one. */
  readonly emulatorHost?: string;
  /** Subscription ack deadline and worker lease bound: how soon a killed worker's messages come back. */
  readonly ackDeadlineSeconds: number;
  /** Longest wait, after the last fault, for the index to match the oracle. */
  readonly settleBoundS: number;
  /** Extra worker settings (`NAME: value`). */
  readonly workerEnv?: Record<string, string>;
  readonly log: (line: string) => void;
}

export const TARGETS = { lost: 0, duplicated: 0, wrong_state: 0, wrong_or_missing_name: 0, valid_dead_lettered: 0, converge_s: 180, worker_rss_mb: 300, ingress_rss_mb: 250 } as const;

export interface ChaosResult {
  readonly accepted: number;
  readonly indexed: number;
  readonly lost: number;
  readonly duplicated: number;
  readonly wrong_state: number;
  readonly wrong_or_missing_name: number;
  readonly valid_dead_lettered: number;
  readonly dead_letter_records: number;
  readonly api_calls_per_distinct_chat: number;
  /** Seconds from the end of the last fault until the index matched the oracle; null = never within the bound. */
  readonly converge_s: number | null;
  readonly sender_retries: number;
  readonly rss_peak_mb: Record<string, number>;
  readonly fault_timeline: TimelineEntry[];
  readonly machine: Record<string, unknown>;
  readonly emulator: string;
  readonly targets: typeof TARGETS;
  readonly failures: string[];
  readonly run: Record<string, unknown>;
  readonly details: Record<string, unknown>;
}

const SIGNING_KEY = "peri_chaos_signing_key";
const API_KEY = "chaos-api-key";

export async function runChaos(options: ChaosOptions): Promise<ChaosResult> {
  const { log } = options;
  const loadBefore = loadavg();
  let loadMax = loadBefore[0]!;
  const schedule = chaosSchedule(options.scale);
  const rate = options.ratePerSecond ?? Math.max(20, Math.ceil(options.messages / (1.2 * plannedEndS(schedule.faults))));
  const cleanups: Array<() => Promise<unknown>> = [];
  const roles = new Map<string, AppRole>();

  try {
    log(`starting a private Elasticsearch (heap ${options.esHeap})${options.emulatorHost ? "" : " and a private Pub/Sub emulator"} and the Periskope simulator`);
    const ownEs = createOwnElasticsearch({ httpPort: await freePort(), transportPort: await freePort(), heap: options.esHeap });
    cleanups.push(() => ownEs.destroy());
    let emulator: PrivateEmulator | undefined;
    await Promise.all([
      ownEs.start(),
      options.emulatorHost ? undefined : startPrivateEmulator().then((e) => {
        emulator = e;
        cleanups.push(() => e.stop());
      }),
    ]);
    const emulatorHost = options.emulatorHost ?? emulator!.host;
    const sim = await startSimulator({ chats: options.chats, apiKey: API_KEY, nullNameRatio: 0, seed: options.seed });
    cleanups.push(() => sim.close());

    // Indices and topology as deployed (dead-letter policy, 10 attempts) minus the retry policy,
    // which makes the emulator hold a killed subscriber's messages back for minutes.
    process.env.PUBSUB_EMULATOR_HOST = emulatorHost;
    const stack = await createTestStack("chaos", { elasticsearchUrl: ownEs.url, withoutRetryPolicy: true, ackDeadlineSeconds: options.ackDeadlineSeconds });
    cleanups.push(() => stack.cleanup());
    const { es, pubsub, indices, topology } = stack;
    const deadTopic = pubsub.topic(topology.deadLetterTopic);
    // Our own copy of everything that reaches the dead-letter topic, whoever else reads it.
    const auditName = `${topology.deadLetterTopic}-chaos-audit`;
    await deadTopic.createSubscription(auditName, { ackDeadlineSeconds: 60 });
    cleanups.push(() => pubsub.subscription(auditName).delete().catch(() => undefined));

    // --- traffic and oracle ---------------------------------------------------------------------
    const chats: ChaosChat[] = sim.chatIds().map((chatId) => {
      const chat = sim.getChat(chatId)!;
      return { chatId, orgPhone: String(chat.org_phone).replace(/@c\.us$/, ""), name: chat.chat_name!, isGroup: chatId.endsWith("@g.us") };
    });
    const now = Math.floor(Date.now() / 1000) * 1000;
    const traffic = chaosTraffic({ seed: options.seed, webhooks: options.messages, chats, startMs: now - 3 * 3_600_000, spanMs: 2 * 3_600_000 });
    log(`traffic: ${JSON.stringify(traffic.stats)}`);
    // The API serves a chat's current name, i.e. its latest rename.
    for (const chat of chats) if (traffic.names.get(chat.chatId) !== chat.name && traffic.names.has(chat.chatId)) sim.renameChat(chat.chatId, traffic.names.get(chat.chatId)!);

    // --- processes ------------------------------------------------------------------------------
    const scenarioStart = { at: performance.now() };
    const clock = () => Math.round((performance.now() - scenarioStart.at) / 100) / 10;
    // The replicas' name revalidation (default 60 s) is compressed with the fault schedule: it bounds
    // how long a renamed chat's messages may carry the old name.
    const revalidateSeconds = String(Math.max(10, Math.round(60 * options.scale)));
    const env = stack.env({ PERISKOPE_SIGNING_KEY: SIGNING_KEY, LOG_LEVEL: "warn", CHAT_NAME_REVALIDATE_SECONDS: revalidateSeconds });
    const restartDelayMs = schedule.restartDelayS * 1000;
    const ingressPort = await freePort();
    const ingressUrl = `http://127.0.0.1:${ingressPort}`;
    roles.set("ingress", appRole({
      name: "ingress",
      entry: "apps/ingress/src/main.ts",
      env: { ...env, PORT: String(ingressPort), HOST: "127.0.0.1" },
      nodeFlags: INGRESS_NODE_FLAGS,
      readyUrl: `${ingressUrl}/readyz`,
      readyTimeoutMs: 120_000,
      restartDelayMs,
      clock,
      log,
    }));
    for (const name of ["worker-1", "worker-2"]) {
      const metricsPort = await freePort();
      roles.set(name, appRole({
        name,
        entry: "apps/worker/src/main.ts",
        env: {
          ...env,
          WORKER_METRICS_PORT: String(metricsPort),
          PERISKOPE_API_URL: sim.url,
          PERISKOPE_API_KEY: API_KEY,
          PERISKOPE_PHONES: sim.phones.join(","),
          PUBSUB_MIN_ACK_DEADLINE_SECONDS: String(options.ackDeadlineSeconds),
          PUBSUB_MAX_ACK_DEADLINE_SECONDS: String(Math.max(options.ackDeadlineSeconds, 60)),
          ...options.workerEnv,
        },
        nodeFlags: WORKER_NODE_FLAGS,
        readyUrl: `http://127.0.0.1:${metricsPort}/readyz`,
        // A worker restarted while Elasticsearch is down waits for it (up to 120 s) before it is ready.
        readyTimeoutMs: 300_000,
        restartDelayMs,
        clock,
        log,
      }));
    }
    cleanups.push(() => Promise.all([...roles.values()].map((role) => role.stop())));
    log("starting the ingress and two workers");
    await Promise.all([...roles.values()].map((role) => role.start()));

    // --- observers --------------------------------------------------------------------------------
    const deadLetters = { total: 0, valid: 0, ids: new Set<string>(), nameChats: new Set<string>() };
    const audit = pubsub.subscription(auditName);
    audit.on("message", (message: Message) => {
      deadLetters.total++;
      const found = traffickedId(message.data.toString("utf8"), traffic);
      if (found !== undefined) {
        deadLetters.valid++;
        deadLetters.ids.add(found.id);
        if (found.nameOf !== undefined) deadLetters.nameChats.add(found.nameOf);
      }
      message.ack();
    });
    audit.on("error", (error: Error) => log(`dead-letter audit: ${error.message}`));
    cleanups.push(() => audit.close());
    const sampler = setInterval(() => {
      for (const role of roles.values()) role.sample();
      loadMax = Math.max(loadMax, loadavg()[0]!);
    }, 1_000);
    cleanups.push(async () => clearInterval(sampler));

    // --- traffic and faults, at once ------------------------------------------------------------
    log(`sending ${traffic.count.toLocaleString("en-US")} webhooks at ${rate}/s; faults at scale ${options.scale} (planned end ${plannedEndS(schedule.faults)} s)`);
    scenarioStart.at = performance.now();
    const attempts: Record<string, number> = {};
    const progress = setInterval(async () => {
      const count = await es.count({ index: indices.messages }).then((r) => r.count, () => -1);
      log(`${clock()} s: ${count} message documents; sender attempts ${JSON.stringify(attempts)}`);
    }, 15_000);
    cleanups.push(async () => clearInterval(progress));
    let sentAt = 0;
    const [sent, timeline] = await Promise.all([
      sendLikePeriskope(`${ingressUrl}/periskopewebhook`, traffic.count, traffic.bodyAt, {
        key: SIGNING_KEY,
        ratePerSecond: rate,
        onAttempt: (outcome) => (attempts[outcome] = (attempts[outcome] ?? 0) + 1),
      }).finally(() => (sentAt = clock())),
      runFaults(schedule.faults, {
        roles,
        elasticsearch: ownEs,
        setApiFaults: (faults) => sim.setFaults(faults),
        restartDelayS: schedule.restartDelayS,
        clock,
        log,
      }),
    ]);
    const lastFaultEnd = Math.max(...timeline.map((entry) => entry.ended_s ?? 0));
    log(`sent: ${JSON.stringify(sent)}; last fault over at ${lastFaultEnd} s`);

    // --- settling: bounded from the later of the last fault and the last delivery ----------------
    const deadline = Math.max(lastFaultEnd, sentAt) + options.settleBoundS;
    let check: OracleCheck | undefined;
    let convergedAt: number | undefined;
    while (clock() < deadline) {
      const count = await es.count({ index: indices.messages }).then((r) => r.count, () => 0);
      if (count >= traffic.messages.size || clock() > deadline - 30) {
        check = await checkAgainstOracle(es, indices, traffic, deadLetters).catch((error: Error) => (log(`check failed: ${error.message}`), check));
        if (check) log(`${clock()} s: ${JSON.stringify({ ...check, samples: check.samples.slice(0, 3), wrong_names: check.wrong_names.length })}`);
        if (check && converged(check)) {
          convergedAt = clock();
          break;
        }
      }
      await sleep(Math.min(10_000, Math.max(1_000, (deadline - clock()) * 1000)));
    }
    check ??= await checkAgainstOracle(es, indices, traffic, deadLetters);
    // Anything still on its way to the dead-letter topic.
    await sleep(2_000);

    const apiStats = sim.stats();
    const calledChats = Object.keys(apiStats.getChatCalls).length;
    const apiCalls = Object.values(apiStats.getChatCalls).reduce((a, b) => a + b, 0);
    const rss = Object.fromEntries([...roles].map(([name, role]) => (role.sample(), [name, role.rssPeakMb()])));
    const convergeS = convergedAt === undefined ? null : Math.max(0, Math.round((convergedAt - lastFaultEnd) * 10) / 10);
    const result = {
      accepted: sent.accepted,
      indexed: check.indexed,
      lost: check.lost,
      duplicated: check.duplicated,
      wrong_state: check.wrong_state,
      wrong_or_missing_name: check.wrong_or_missing_name,
      valid_dead_lettered: deadLetters.valid,
      dead_letter_records: check.dead_letter_records,
      api_calls_per_distinct_chat: calledChats === 0 ? 0 : Math.round((apiCalls / calledChats) * 100) / 100,
      converge_s: convergeS,
      sender_retries: sent.retries,
      rss_peak_mb: rss,
      fault_timeline: timeline,
      machine: { cpus: cpus().length, memory_gb: Math.round(totalmem() / 2 ** 30), loadavg_before: loadBefore.map(round2), loadavg_1m_max: round2(loadMax), loadavg_after: loadavg().map(round2) },
      emulator:
        `${options.emulatorHost ? "the shared" : "a private"} Pub/Sub emulator, never restarted: it keeps messages in memory only, so a restart would lose the queue (real Pub/Sub is durable). ` +
        "Subscription without its retry policy (the emulator would hold a killed subscriber's messages back for minutes), with the dead-letter policy (10 attempts).",
      targets: TARGETS,
      failures: [] as string[],
      run: {
        webhooks: traffic.count,
        chats: options.chats,
        rate_per_s: rate,
        schedule_scale: options.scale,
        ack_deadline_s: options.ackDeadlineSeconds,
        // The test stack's two streaming pulls per worker (this machine has two cores), unless overridden.
        worker_env: { PUBSUB_MAX_STREAMS: env.PUBSUB_MAX_STREAMS, ...options.workerEnv },
        send_s: Math.round(sent.durationMs / 100) / 10,
        last_fault_end_s: lastFaultEnd,
        traffic: traffic.stats,
        expected_messages: traffic.messages.size,
        expected_events: traffic.events.size,
      },
      details: {
        not_accepted: sent.gaveUp,
        sender_attempts: sent.statusCounts,
        lost_messages: check.lost_messages,
        lost_events: check.lost_events,
        wrong_fields: check.wrong_fields,
        wrong_cached_names: check.wrong_cached_names,
        dead_letters_seen: deadLetters.total,
        valid_dead_lettered_distinct: deadLetters.ids.size,
        explained_by_dead_letters: check.explained_by_dead_letters,
        api: { get_chat_calls: apiCalls, distinct_chats_called: calledChats, max_per_chat: apiStats.getChatMaxPerChat, requests: apiStats.requests },
        unplanned_exits: Object.fromEntries([...roles].map(([name, role]) => [name, role.crashes])),
        samples: check.samples,
        // Each wrong name with its message's and its chat's name events, at their send times (s).
        wrong_names: check.wrong_names.map((wrong) => {
          const notes = traffic.deliveriesOf(wrong.message_id);
          const sentS = (n: { delivery: number }) => Math.round((n.delivery / rate) * 10) / 10;
          return {
            ...wrong,
            message_events: notes.message.map((n) => `${sentS(n)} s ${n.kind} @${n.at}`),
            name_events: notes.names.map((n) => `${sentS(n)} s ${n.kind} @${n.at} ${JSON.stringify(n.name)}`),
          };
        }),
      },
    };
    result.failures.push(...failuresOf(result, sent));
    return result;
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error: Error) => log(`cleanup: ${error.message}`));
  }
}

function converged(check: OracleCheck): boolean {
  return check.lost === 0 && check.duplicated === 0 && check.wrong_state === 0 && check.wrong_or_missing_name === 0;
}

function failuresOf(result: Omit<ChaosResult, "failures"> & { failures: string[] }, sent: PeriskopeSendResult): string[] {
  const failures: string[] = [];
  for (const field of ["lost", "duplicated", "wrong_state", "wrong_or_missing_name", "valid_dead_lettered"] as const) {
    if (result[field] !== 0) failures.push(`${field} = ${result[field]} (target 0)`);
  }
  if (sent.gaveUp > 0) failures.push(`the sender gave up on ${sent.gaveUp} webhooks`);
  if (result.converge_s === null) failures.push(`did not converge within the settle bound`);
  else if (result.converge_s > TARGETS.converge_s) failures.push(`converged in ${result.converge_s} s (target ≤ ${TARGETS.converge_s})`);
  for (const [name, mb] of Object.entries(result.rss_peak_mb)) {
    const bound = name === "ingress" ? TARGETS.ingress_rss_mb : TARGETS.worker_rss_mb;
    if (mb > bound) failures.push(`${name} RSS peak ${mb} MB (target ≤ ${bound})`);
  }
  return failures;
}

/**
 * The event id or message id a dead-lettered body carries when it is one of the traffic's (all
 * valid), and its chat when it carried a name (chat.created, rename).
 */
function traffickedId(raw: string, traffic: Traffic): { id: string; nameOf?: string } | undefined {
  try {
    const body = JSON.parse(raw) as { id?: unknown; event_type?: unknown; data?: { message_id?: unknown; chat_id?: unknown } };
    if (typeof body.id === "string" && traffic.events.has(body.id)) {
      const carriesName = body.event_type === "chat.created" || body.event_type === "chat.notification.created";
      return { id: body.id, ...(carriesName ? { nameOf: String(body.data?.chat_id) } : {}) };
    }
    const messageId = body.data?.message_id;
    if (typeof messageId === "string" && traffic.messages.has(messageId)) return { id: messageId };
  } catch {
    // Not ours.
  }
  return undefined;
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
