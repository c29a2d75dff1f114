import { describe, expect, it } from "vitest";
import { isJsonContentType } from "./json-content-type.ts";

describe("isJsonContentType", () => {
  it("accepts JSON media types, with or without a UTF-8 charset", () => {
    for (const value of ["application/json", "application/json; charset=utf-8", "Application/JSON;charset=UTF-8", 'application/json; charset="utf-8"', "application/vnd.periskope+json"]) {
      expect(isJsonContentType(value), value).toBe(true);
    }
  });

  it("refuses missing, non-JSON and non-UTF-8 types", () => {
    for (const value of [undefined, "", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json; charset=latin1", "text/json+x", "application/jsonp"]) {
      expect(isJsonContentType(value), String(value)).toBe(false);
    }
  });
});
