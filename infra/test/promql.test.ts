import { describe, expect, it } from "vitest";
import { promqlUse } from "./promql.ts";

describe("promqlUse", () => {
  it("finds metrics, their matchers and grouping labels, not functions or keywords", () => {
    const use = promqlUse('histogram_quantile(0.99, sum by (le, tier) (rate(a_seconds_bucket{route="/x", status=~"5.."}[$__rate_interval]))) / sum(b_total) + c');
    expect(Object.fromEntries(use.selectors)).toEqual({ a_seconds_bucket: ["route", "status"], b_total: [], c: [] });
    expect(use.grouping).toEqual(["le", "tier"]);
  });

  it("ignores label values that look like metric names", () => {
    expect([...promqlUse('sum(x{job="not_a_metric"})').selectors.keys()]).toEqual(["x"]);
  });
});
