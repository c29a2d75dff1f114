import { parsePeriskopeTime } from "@periskope-pipeline/contracts";
import { describe, expect, it } from "vitest";
import { formatTimestamp, TIMESTAMP_FORMATS } from "./timestamps.ts";

const at = Date.UTC(2024, 4, 13, 11, 19, 34, 567);

describe("formatTimestamp", () => {
  it("writes each format the reference lists", () => {
    expect(formatTimestamp(at, "postgres")).toBe("2024-05-13 11:19:34+00");
    expect(formatTimestamp(at, "iso-offset")).toBe("2024-05-13T11:19:34+00:00");
    expect(formatTimestamp(at, "iso-millis-offset")).toBe("2024-05-13T11:19:34.567+00:00");
    expect(formatTimestamp(at, "iso-micros-offset")).toMatch(/^2024-05-13T11:19:34\.567\d{3}\+00:00$/);
    expect(formatTimestamp(at, "iso-z")).toBe("2024-05-13T11:19:34.567Z");
    expect(formatTimestamp(at, "epoch-seconds")).toBe(1715599174);
    expect(formatTimestamp(new Date(at), "epoch-millis")).toBe(at);
  });

  it.each(TIMESTAMP_FORMATS)("%s parses back to the same instant with the pipeline's parser", (format) => {
    const parsed = parsePeriskopeTime(formatTimestamp(at, format));
    const precisionMs = ["postgres", "iso-offset", "epoch-seconds"].includes(format) ? 1000 : 1;
    expect(Math.abs((parsed ?? 0) - at)).toBeLessThan(precisionMs);
  });
});
