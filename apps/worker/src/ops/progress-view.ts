/**
 * The live progress bar of `--wait` (cli-progress): items done out of the expected total, pages,
 * rate and ETA, computed from the run record's `progress` as the worker updates it.
 *
 * The total is an estimate: the Periskope API does not say how many chats there are (reference
 * §3), so refresh runs report the cache's size at start as `expected_chats`; once the count passes
 * it, or when there is none, the bar shows the count without a total and no ETA.
 */
import { Presets, SingleBar } from "cli-progress";
import type { CommandRun } from "@periskope-pipeline/commands";

interface Measure {
  done: number;
  total: number | undefined;
  unit: string;
  detail: string;
}

export class ProgressView {
  private readonly bar: SingleBar;
  private started = false;

  constructor(stream: NodeJS.WritableStream = process.stderr) {
    this.bar = new SingleBar(
      {
        // Payload names differ from cli-progress's own tokens ({value}, {total}, {eta}), which would win.
        format: "{label} |{bar}| {count}/{expected} {unit} | {detail} | {rate}/s | ETA {remaining}",
        stream: stream as NodeJS.WriteStream,
        hideCursor: true,
        // Without a terminal (CI, logs) print a line every 2 s instead of redrawing.
        noTTYOutput: true,
        notTTYSchedule: 2_000,
        barsize: 30,
      },
      Presets.shades_classic,
    );
  }

  update(run: CommandRun): void {
    const m = measure(run);
    const elapsedS = run.started_at ? Math.max(0.001, (Date.now() - Date.parse(run.started_at)) / 1000) : undefined;
    const rate = elapsedS ? m.done / elapsedS : 0;
    const known = m.total !== undefined && m.total >= m.done;
    const total = known ? (m.total as number) : Math.max(m.done, 1);
    const payload = {
      label: `${run.type} ${run.status}`,
      count: m.done.toLocaleString("en-US"),
      expected: known ? total.toLocaleString("en-US") : "?",
      unit: m.unit,
      detail: m.detail,
      rate: rate >= 10 ? Math.round(rate).toLocaleString("en-US") : rate.toFixed(1),
      remaining: known && rate > 0 ? formatSeconds((total - m.done) / rate) : "?",
    };
    if (!this.started) {
      this.bar.start(total, m.done, payload);
      this.started = true;
    } else {
      this.bar.setTotal(total);
      this.bar.update(m.done, payload);
    }
  }

  stop(): void {
    if (this.started) this.bar.stop();
    this.started = false;
  }
}

function measure(run: CommandRun): Measure {
  const p = { ...run.progress, ...run.stats } as Record<string, unknown>;
  const n = (key: string) => (typeof p[key] === "number" ? (p[key] as number) : 0);
  const expected = typeof p.expected_chats === "number" ? p.expected_chats : undefined;
  switch (run.type) {
    case "backfill-chat-names":
      return { done: n("chats"), total: expected, unit: "chats", detail: `${fmt(n("messages_updated"))} messages updated` };
    case "replay-dead-letters": {
      const limit = typeof run.args?.limit === "number" ? run.args.limit : undefined;
      const dry = run.args?.dry_run === true;
      return { done: dry ? n("would_move") : n("moved"), total: limit, unit: dry ? "would move" : "moved", detail: `${fmt(n("pulled"))} pulled, ${fmt(n("not_matching"))} not matching` };
    }
    default:
      return { done: n("total_chats"), total: expected, unit: "chats", detail: `${n("pages")} pages, ${fmt(n("newly_cached"))} new, ${fmt(n("renamed"))} renamed` };
  }
}

function fmt(n: number): string {
  return n.toLocaleString("en-US");
}

function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  const s = Math.max(0, Math.round(seconds));
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
}
