/**
 * The time formats Periskope payloads use, which differ by source and page (reference §5.4):
 * the docs' message object prints Postgres style (`2024-05-13 11:19:34+00`), REST answers use ISO
 * with an offset (`2025-01-23T12:05:29+00:00`, sometimes with micro-seconds), notifications use
 * milli-seconds, and numbers appear too. Builders take a format so tests cover all of them.
 */
export const TIMESTAMP_FORMATS = [
  "postgres",
  "iso-offset",
  "iso-millis-offset",
  "iso-micros-offset",
  "iso-z",
  "epoch-seconds",
  "epoch-millis",
] as const;

export type TimestampFormat = (typeof TIMESTAMP_FORMATS)[number];

export type TimeInput = Date | number;

export function toMillis(time: TimeInput): number {
  return typeof time === "number" ? time : time.getTime();
}

/**
 * @example
 * formatTimestamp(Date.UTC(2024, 4, 13, 11, 19, 34), "postgres"); // "2024-05-13 11:19:34+00"
 */
export function formatTimestamp(time: TimeInput, format: TimestampFormat): string | number {
  const ms = toMillis(time);
  const iso = new Date(ms).toISOString(); // 2024-05-13T11:19:34.000Z
  const seconds = iso.slice(0, 19);
  switch (format) {
    case "postgres":
      return `${seconds.replace("T", " ")}+00`;
    case "iso-offset":
      return `${seconds}+00:00`;
    case "iso-millis-offset":
      return `${iso.slice(0, 23)}+00:00`;
    case "iso-micros-offset":
      // Micro-seconds we do not have are derived from the milli-seconds so the value is stable.
      return `${iso.slice(0, 23)}${String(ms % 997).padStart(3, "0")}+00:00`;
    case "iso-z":
      return iso;
    case "epoch-seconds":
      return Math.floor(ms / 1000);
    case "epoch-millis":
      return ms;
  }
}
