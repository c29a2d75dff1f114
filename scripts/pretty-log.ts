import { prettyFactory } from "pino-pretty";

/**
 * Turns one pino JSON line into one readable line, for `npm start` on a terminal: time, level,
 * message, then the event's fields. Lines that are not pino JSON pass through unchanged. The apps
 * themselves always write JSON (the images and any non-terminal run keep it); only the terminal
 * view changes.
 */
export function prettyLogLine(colorize: boolean): (line: string) => string {
  const prettify = prettyFactory({
    colorize,
    singleLine: true,
    messageKey: "message",
    translateTime: "SYS:HH:MM:ss.l",
    // The line is already prefixed with the app's name.
    ignore: "pid,hostname,service",
  });
  return (line) => prettify(line).trimEnd();
}
