import { describe, expect, it } from "vitest";
import { parsePeriskopeTime } from "./periskope-time.ts";

describe("parsePeriskopeTime", () => {
  it("reads the docs' Postgres form with a bare +00 offset", () => {
    expect(parsePeriskopeTime("2024-05-13 11:19:34+00")).toBe(Date.UTC(2024, 4, 13, 11, 19, 34));
  });

  it("reads the REST ISO form and applies non-UTC offsets", () => {
    expect(parsePeriskopeTime("2025-01-23T12:05:29+00:00")).toBe(Date.UTC(2025, 0, 23, 12, 5, 29));
    expect(parsePeriskopeTime("2025-01-23T17:35:29+05:30")).toBe(Date.UTC(2025, 0, 23, 12, 5, 29));
    expect(parsePeriskopeTime("2025-01-23T07:05:29-0500")).toBe(Date.UTC(2025, 0, 23, 12, 5, 29));
  });

  it("keeps milliseconds from micro-second fractions", () => {
    expect(parsePeriskopeTime("2025-06-18T14:02:11.120934+00:00")).toBe(Date.UTC(2025, 5, 18, 14, 2, 11, 120));
  });

  it("treats small numbers as seconds and large ones as milliseconds", () => {
    expect(parsePeriskopeTime(1715599174)).toBe(1715599174000);
    expect(parsePeriskopeTime(1715599174123)).toBe(1715599174123);
    expect(parsePeriskopeTime("1715599174")).toBe(1715599174000);
  });

  it("reads micro- and nano-second epochs in their unit, not as far-future milliseconds", () => {
    expect(parsePeriskopeTime(1715599174123456)).toBe(1715599174123);
    expect(parsePeriskopeTime("1715599174123456")).toBe(1715599174123);
    expect(parsePeriskopeTime(1715599174123456789)).toBe(1715599174123);
  });

  it("returns null for what is not a time", () => {
    for (const v of ["", "yesterday", "2024-13-45 99:99", null, undefined, {}, -5, Number.NaN]) {
      expect(parsePeriskopeTime(v)).toBeNull();
    }
  });
});
