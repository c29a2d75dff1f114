import { defineConfig } from "vitest/config";

// Two projects: `unit` (beside the code, no services) and `int` (`*.int.test.ts`, against the real
// Elasticsearch, Pub/Sub emulator and Periskope simulator, started by the global setup if needed).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["{apps,packages}/*/src/**/*.test.ts", "{scripts,bench}/**/*.test.ts", "infra/**/*.test.ts"],
          exclude: ["**/*.int.test.ts", "**/node_modules/**"],
          environment: "node",
        },
      },
      {
        test: {
          name: "int",
          include: ["{apps,packages}/*/{src,test}/**/*.int.test.ts", "{scripts,infra,bench}/**/*.int.test.ts"],
          exclude: ["**/node_modules/**"],
          environment: "node",
          globalSetup: ["packages/testkit/src/stack-setup.ts"],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          // Tests isolate themselves (own topics, project ids and indices), but the machine has two
          // cores and one Elasticsearch: a few files at a time keeps timings honest.
          maxWorkers: 2,
        },
      },
    ],
  },
});
