/** The parts of vitest's JSON report (Jest-compatible format) the summary line is built from. */
export interface JsonReport {
  numPassedTests: number;
  numFailedTests: number;
  success: boolean;
  testResults: Array<{
    name: string;
    status: "passed" | "failed";
    message: string;
    assertionResults: Array<{ status: string }>;
  }>;
}

export interface TestCounts {
  passed: number;
  failed: number;
  skipped: number;
  /** Test files that failed without a failing test: they did not load, or their worker died. */
  brokenFiles: string[];
}

/**
 * Counts per test from the report. A file that failed to load hides however many tests it has,
 * so each such file counts as one failure rather than vanishing from the total.
 */
export function countResults(report: JsonReport): TestCounts {
  const counts: TestCounts = { passed: 0, failed: 0, skipped: 0, brokenFiles: [] };
  for (const file of report.testResults) {
    let failedHere = 0;
    for (const test of file.assertionResults) {
      if (test.status === "passed") counts.passed += 1;
      else if (test.status === "failed") failedHere += 1;
      else counts.skipped += 1; // skipped, pending, todo, disabled
    }
    if (file.status === "failed" && failedHere === 0) {
      counts.brokenFiles.push(file.name);
      failedHere = 1;
    }
    counts.failed += failedHere;
  }
  return counts;
}

/** The one closing line CI reads: `N passed, N failed` plus `, N skipped` when any were. */
export function summaryLine(counts: Pick<TestCounts, "passed" | "failed" | "skipped">): string {
  const line = `${counts.passed} passed, ${counts.failed} failed`;
  return counts.skipped > 0 ? `${line}, ${counts.skipped} skipped` : line;
}
