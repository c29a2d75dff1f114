import { describeCommandRunReaderConformance } from "./command-runs.conformance.ts";
import { MemoryCommandRuns } from "./command-runs.ts";

describeCommandRunReaderConformance("in-memory", async () => {
  const reader = new MemoryCommandRuns();
  return { reader, write: async (run) => reader.put(run), dispose: async () => {} };
});
