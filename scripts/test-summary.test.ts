import { describe, expect, it } from "vitest";
import { countResults, summaryLine, type JsonReport } from "./test-summary.ts";

function report(files: JsonReport["testResults"]): JsonReport {
  return { numPassedTests: 0, numFailedTests: 0, success: false, testResults: files };
}

describe("countResults", () => {
  it("counts every test by its status", () => {
    const counts = countResults(
      report([
        { name: "a.test.ts", status: "failed", message: "", assertionResults: [{ status: "passed" }, { status: "failed" }] },
        { name: "b.test.ts", status: "passed", message: "", assertionResults: [{ status: "passed" }, { status: "skipped" }, { status: "todo" }] },
      ]),
    );
    expect(counts).toEqual({ passed: 2, failed: 1, skipped: 2, brokenFiles: [] });
  });

  it("counts a file that failed to load as one failure", () => {
    const counts = countResults(
      report([{ name: "broken.int.test.ts", status: "failed", message: "Cannot find module", assertionResults: [] }]),
    );
    expect(counts).toEqual({ passed: 0, failed: 1, skipped: 0, brokenFiles: ["broken.int.test.ts"] });
  });
});

describe("summaryLine", () => {
  it("mentions skipped tests only when there are some", () => {
    expect(summaryLine({ passed: 12, failed: 0, skipped: 0 })).toBe("12 passed, 0 failed");
    expect(summaryLine({ passed: 12, failed: 1, skipped: 3 })).toBe("12 passed, 1 failed, 3 skipped");
  });
});
