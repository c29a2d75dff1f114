/** The ops CLI's help text. */
export const USAGE = `Periskope pipeline ops: publish commands to the workers and follow their runs.

Usage:
  npm run ops -- <command> [args] [--wait] [--timeout <s>] [--json]
  npm run ops -- status <command_id> [--wait] [--json]
  npm run ops -- list [--limit <n>] [--json]
  npm run ops -- migrate-index <from> <to> [--template <role>]
  (in the worker image: periskope-ops <command> ...)

Commands and their args:
  refresh-cache         [--phones <p1,p2>] [--chat-type user|group|business] [--dry-run]
  warm-up               (a refresh at most once per WARM_UP_INTERVAL_SECONDS)
  backfill-chat-names   [--chat-id <id>] [--since <ISO-8601 time>]
  replay-dead-letters   [--limit <n>] [--event-type <type>] [--dry-run]

Index migration (runs in this process, against Elasticsearch only):
  migrate-index         copy <from> into the new index <to> built from its template (resumable:
                        run it again after an interruption), check the counts, then make <from>
                        an alias of <to> (a concrete <from> is deleted; stop the workers first)

Options:
  --wait          follow the run with a progress bar until it ends, then print its stats
  --timeout <s>   give up waiting after this many seconds (default 3600); the run goes on
  --json          print the command id / run record as JSON

Exit codes: 0 done (or published), 1 the run failed, 2 bad usage or settings,
3 still running when the wait timed out, 4 no such run, 5 Elasticsearch or Pub/Sub unreachable,
130 interrupted.

Settings come from the environment (and .env): ELASTICSEARCH_*, PUBSUB_* as for the worker.
In a checkout where \`npm start\` runs, what they leave unset comes from that stack.`;
