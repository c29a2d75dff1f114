/**
 * Structured JSON logs (pino). Events use a fixed vocabulary (`event: "MessageIndexed"`) with the
 * fields `stage`, `code`, `retryable`, `count`; ERROR means data is at risk or an operator must act.
 *
 * Secrets never reach a log line: known secret-bearing paths are censored, URLs lose their
 * userinfo, and errors are logged by an allow-list that leaves out request and response bodies
 * (`log-safety.ts`).
 *
 * @example
 * const log = createLogger({ service: "ingress", level: "info" });
 * log.info({ event: "ServerListening", port: 8080 }, "listening");
 */
import { pino, type Logger, type LoggerOptions } from "pino";
import { serializeError, stripCredentialsDeep } from "./log-safety.ts";

export type { Logger };

export interface LoggerSettings {
  readonly service: string;
  readonly level?: string;
  /** Where lines go; defaults to stdout. Tests pass a stream to read them. */
  readonly destination?: NodeJS.WritableStream;
}

const REDACTED_PATHS = [
  "authorization",
  "headers.authorization",
  'headers["x-periskope-signature"]',
  "apiKey",
  "password",
  "token",
  "*.authorization",
  "*.apiKey",
  "*.password",
  "*.token",
  "ADMIN_TOKEN",
  "PERISKOPE_API_KEY",
  "PERISKOPE_SIGNING_KEY",
  "ELASTICSEARCH_API_KEY",
  "ELASTICSEARCH_PASSWORD",
];

export function createLogger({ service, level = "info", destination }: LoggerSettings): Logger {
  const options: LoggerOptions = {
    level,
    base: { service },
    messageKey: "message",
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }), log: (fields) => stripCredentialsDeep(fields) as Record<string, unknown> },
    serializers: { err: serializeError, error: serializeError },
    redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
  };
  return destination ? pino(options, destination as pino.DestinationStream) : pino(options);
}
