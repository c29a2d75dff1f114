/**
 * Plain-text views of run records for the ops CLI: a key/value stats table, a one-run summary, the
 * recent-runs list. Pure functions of the record, so their output is tested as text.
 */
import type { CommandRun } from "@periskope-pipeline/commands";

/** Two aligned columns; numbers right-aligned with thousands separators. */
export function statsTable(stats: Record<string, unknown> | undefined): string {
  const entries = Object.entries(stats ?? {});
  if (entries.length === 0) return "(no stats)";
  const width = Math.max(...entries.map(([key]) => key.length));
  const values = entries.map(([, value]) => formatValue(value));
  const valueWidth = Math.max(...values.map((v) => v.length));
  return entries
    .map(([key, value], i) => {
      const text = values[i] as string;
      return `  ${key.padEnd(width)}  ${typeof value === "number" ? text.padStart(valueWidth) : text}`;
    })
    .join("\n");
}

export function runSummary(run: CommandRun): string {
  const lines = [
    `${run.command_id}  ${run.type ?? "?"}  ${run.status}`,
    `  requested ${run.requested_at}${run.requested_by ? ` by ${run.requested_by}` : ""}`,
  ];
  if (run.started_at) lines.push(`  started   ${run.started_at}${run.worker_id ? ` on ${run.worker_id}` : ""}${(run.attempt ?? 1) > 1 ? ` (attempt ${run.attempt})` : ""}`);
  if (run.joined_command_id) lines.push(`  joined    ${run.joined_command_id} (already running)`);
  if (run.finished_at) lines.push(`  finished  ${run.finished_at}`);
  if (run.error) lines.push(`  error     ${run.error.code}: ${run.error.message}`);
  if (run.stats) lines.push("stats:", statsTable(run.stats));
  else if (run.progress) lines.push("progress:", statsTable(run.progress));
  return lines.join("\n");
}

export function runList(runs: readonly CommandRun[]): string {
  if (runs.length === 0) return "(no runs)";
  const rows = runs.map((run) => [run.command_id, run.type ?? "?", run.status, run.requested_at, duration(run), headline(run)]);
  const header = ["COMMAND_ID", "TYPE", "STATUS", "REQUESTED_AT", "DURATION", "SUMMARY"];
  const widths = header.map((h, col) => Math.max(h.length, ...rows.map((row) => (row[col] as string).length)));
  const line = (cells: readonly string[]) => cells.map((cell, col) => (col === cells.length - 1 ? cell : cell.padEnd(widths[col] as number))).join("  ");
  return [line(header), ...rows.map(line)].join("\n");
}

/** The few numbers an operator looks for first, per command type. */
function headline(run: CommandRun): string {
  if (run.error) return `${run.error.code}`;
  const s = run.stats ?? run.progress ?? {};
  const pick = (...keys: string[]) => keys.filter((k) => s[k] !== undefined).map((k) => `${k}=${formatValue(s[k])}`).join(" ");
  switch (run.type) {
    case "refresh-cache":
    case "warm-up":
      return s.skipped === true ? "skipped" : pick("total_chats", "newly_cached", "renamed");
    case "backfill-chat-names":
      return pick("chats", "messages_updated");
    case "replay-dead-letters":
      return pick("moved", "would_move", "not_matching");
    default:
      return "";
  }
}

function duration(run: CommandRun): string {
  if (!run.started_at) return "-";
  const end = run.finished_at ? Date.parse(run.finished_at) : Date.now();
  return formatDuration(end - Date.parse(run.started_at));
}

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "-";
  if (ms < 1_000) return `${Math.round(ms)}ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  return s < 3600 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s` : `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

function formatValue(value: unknown): string {
  if (typeof value === "number") return Number.isInteger(value) ? value.toLocaleString("en-US") : value.toFixed(2);
  return String(value);
}
