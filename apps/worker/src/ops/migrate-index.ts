/**
 * `npm run ops -- migrate-index <from> <to> [--template <role>]`: copies an index into a new one
 * built from its template and points the old name at it (`migrateIndex` in
 * `@periskope-pipeline/elasticsearch`), with a progress bar. It talks to Elasticsearch only, in
 * this process: a migration must run while the workers are stopped when the source is a concrete
 * index (the single-service version's), and it needs no worker when it is an alias.
 *
 * Which template: the role whose configured name is `<from>` (or whose `<name>-NNNNNN` is `<to>`),
 * or `--template messages|chatNames|events|commands`.
 */
import { Presets, SingleBar } from "cli-progress";
import { indexNamesFromEnv, MigrateIndexError, migrateIndex, readTemplate, roleOfIndex, type ElasticsearchClient, type IndexNames, type IndexRole } from "@periskope-pipeline/elasticsearch";
import { UsageError } from "./cli-args.ts";

export interface MigrateIndexAction {
  kind: "migrate-index";
  from: string;
  to: string;
  template: IndexRole | undefined;
}

const ROLES: readonly IndexRole[] = ["messages", "chatNames", "events", "commands"];

export function parseMigrateIndexArgs(values: { template?: string | boolean | undefined }, positionals: readonly string[]): MigrateIndexAction {
  const [from, to, ...extra] = positionals;
  if (!from || !to || extra.length > 0) throw new UsageError("usage: ops migrate-index <from> <to> [--template messages|chatNames|events|commands]");
  const template = typeof values.template === "string" ? values.template : undefined;
  if (template !== undefined && !ROLES.includes(template as IndexRole)) throw new UsageError(`--template must be one of ${ROLES.join(", ")}`);
  return { kind: "migrate-index", from, to, template: template as IndexRole | undefined };
}

/** Runs the migration; resolves with the process's exit code (0 done, 1 failed, 130 interrupted). */
export async function runMigrateIndex(es: ElasticsearchClient, env: Parameters<typeof indexNamesFromEnv>[0], action: MigrateIndexAction): Promise<number> {
  const names: IndexNames = indexNamesFromEnv(env);
  const role = action.template ?? roleOfIndex(names, action.from) ?? roleOfIndex(names, action.to);
  if (!role) {
    process.stderr.write(`error: cannot tell which template ${action.from} takes (configured: ${ROLES.map((r) => `${r}=${names[r]}`).join(", ")}); pass --template <role>\n`);
    return 2;
  }
  const bar = new SingleBar({ format: "{phase} |{bar}| {value}/{total} documents | {percentage}% | ETA {eta_formatted}", stream: process.stderr, hideCursor: true, noTTYOutput: true, notTTYSchedule: 2_000, barsize: 30 }, Presets.shades_classic);
  let started = false;
  const interrupt = new AbortController();
  const onSigint = () => interrupt.abort();
  process.once("SIGINT", onSigint);
  try {
    const result = await migrateIndex(es, {
      from: action.from,
      to: action.to,
      template: readTemplate(role).template,
      signal: interrupt.signal,
      onProgress: ({ phase, copied, total }) => {
        if (!started) bar.start(Math.max(total, copied), copied, { phase });
        started = true;
        bar.setTotal(Math.max(total, copied));
        bar.update(copied, { phase });
      },
    });
    bar.stop();
    process.stdout.write(
      `${result.from} → ${result.to}: ${result.copied} document(s) copied${result.resumed ? " (resumed)" : ""}${result.caughtUp > 0 ? `, ${result.caughtUp} read again after the move` : ""}; ${result.from} had ${result.sourceCount}, ${result.to} holds ${result.targetCount}; ${result.from} is now an alias of ${result.to}\n`,
    );
    if (result.leftBehind.length > 0) process.stdout.write(`the old ${result.leftBehind.join(", ")} is left in place; once satisfied: curl -X DELETE "$ELASTICSEARCH_URL/${result.leftBehind.join(",")}"\n`);
    return 0;
  } catch (error) {
    bar.stop();
    if (!(error instanceof MigrateIndexError)) throw error;
    process.stderr.write(`migrate-index failed: ${error.message}\n`);
    return interrupt.signal.aborted ? 130 : 1;
  } finally {
    process.removeListener("SIGINT", onSigint);
  }
}
