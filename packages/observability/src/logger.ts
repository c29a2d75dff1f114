/**
 * Structured JSON logs (pino). Events use a fixed vocabulary (`event: "MessageIndexed"`) with the
 * fields `stage`, `code`, `retryable`, `count`; ERROR means data is at risk or an operator must act.
 *
 * Secrets never reach a log line: known secret-bearing paths are censored, and bodies are never logged.
 *
 * @example
 * const log = createLogger({ service: "ingress", level: "info" });
 * log.info({ event: "ServerListening", port: 8080 }, "listening");
 */
import { pino, type Logger, type LoggerOptions } from "pino";

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
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
  };
  return destination ? pino(options, destination as pino.DestinationStream) : pino(options);
}
