/**
 * `npm run bench -- chaos [--messages 100000] [--chats 2000] [--rate <per s>] [--scale 1]
 *   [--ack-deadline 60] [--es-heap 1g] [--settle 600] [--seed chaos] [--emulator host:port]`
 *
 * Issue 10's proof: `--messages` webhooks (up to 1,000,000) over `--chats` chats — created, updated,
 * ack.updated, deleted, flagged, reactions, chat.created, renames; 5 % duplicates, 10 % reordered,
 * 5 % of messages with two states in one second — sent at a steady rate by a sender that retries
 * like Periskope, through the real ingress and two worker processes, onto a private Elasticsearch
 * and a private Pub/Sub emulator, with the Periskope simulator. Meanwhile, overlapping: each worker
 * SIGKILLed (three kills), the ingress SIGKILLed once (all restarted after 5 s), Elasticsearch
 * stopped for 60 s and started on the same data, the Periskope API answering 30 % 503/429 for two
 * minutes, then 2 s latency spikes (`--scale` compresses the schedule). Then the index is compared
 * with the generator's oracle until it matches (bounded by `--settle` seconds after the last fault).
 *
 * Writes bench/results/chaos.json (the same JSON goes to stdout) and exits 1 if a target is missed:
 * lost = duplicated = wrong_state = wrong_or_missing_name = valid_dead_lettered = 0, converged
 * within 180 s of the last fault, worker RSS ≤ 300 MB and ingress ≤ 250 MB.
 */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { runChaos } from "./lib/chaos-scenario.ts";

const { values } = parseArgs({
  options: {
    messages: { type: "string", default: "100000" },
    chats: { type: "string", default: "2000" },
    rate: { type: "string" },
    scale: { type: "string", default: "1" },
    "ack-deadline": { type: "string", default: "60" },
    "es-heap": { type: "string", default: "1g" },
    settle: { type: "string", default: "600" },
    seed: { type: "string", default: "chaos" },
    emulator: { type: "string" },
    /** Where to write the JSON (default bench/results/chaos.json). */
    out: { type: "string" },
  },
});
const messages = Number(values.messages);
if (!Number.isInteger(messages) || messages < 1_000 || messages > 1_000_000) {
  process.stderr.write("--messages must be an integer from 1,000 to 1,000,000\n");
  process.exit(2);
}
process.env.METADATA_SERVER_DETECTION = "none";
const log = (line: string) => process.stderr.write(`[bench chaos] ${new Date().toISOString().slice(11, 19)} ${line}\n`);

const result = await runChaos({
  messages,
  chats: Number(values.chats),
  ...(values.rate ? { ratePerSecond: Number(values.rate) } : {}),
  scale: Number(values.scale),
  seed: values.seed,
  esHeap: values["es-heap"],
  ...(values.emulator ? { emulatorHost: values.emulator } : {}),
  ackDeadlineSeconds: Number(values["ack-deadline"]),
  settleBoundS: Number(values.settle),
  log,
});
const json = JSON.stringify({ bench: "chaos", measured_at: new Date().toISOString(), ...result }, null, 2);
writeFileSync(values.out ?? new URL("./results/chaos.json", import.meta.url), `${json}\n`);
process.stdout.write(`${json}\n`);
if (result.failures.length > 0) {
  log(`targets missed:\n  ${result.failures.join("\n  ")}`);
  process.exitCode = 1;
}
