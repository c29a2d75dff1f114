import { describe, expect, it } from "vitest";
import { dockerIgnoreMatcher } from "./dockerignore.ts";
import { readRepoFile } from "./repo.ts";

describe("dockerIgnoreMatcher", () => {
  const ignored = dockerIgnoreMatcher("# comment\n.git\n**/node_modules\n**/*.test.ts\n.env.*\n!.env.example\n/bench/results/\n");

  it("excludes a directory and everything below it", () => {
    expect(ignored(".git")).toBe(true);
    expect(ignored(".git/objects/ab/cdef")).toBe(true);
    expect(ignored("packages/config/node_modules/zod/index.js")).toBe(true);
    expect(ignored("bench/results/worker.json")).toBe(true);
  });

  it("matches ** across directories, including none", () => {
    expect(ignored("apps/ingress/src/app.test.ts")).toBe(true);
    expect(ignored("x.test.ts")).toBe(true);
    expect(ignored("apps/ingress/src/app.ts")).toBe(false);
  });

  it("lets a later ! rule re-include a path", () => {
    expect(ignored(".env.local")).toBe(true);
    expect(ignored(".env.example")).toBe(false);
  });
});

describe("the repository's .dockerignore", () => {
  const ignored = dockerIgnoreMatcher(readRepoFile(".dockerignore"));

  it("keeps secrets, local state and tests out of every image", () => {
    for (const path of [".env", ".env.production", ".stack/elasticsearch/data", ".git/config", "apps/worker/src/x.test.ts", "apps/worker/src/x.int.test.ts", "node_modules/zod/package.json", "infra/terraform/prod.tfvars", "infra/terraform/terraform.tfstate"]) {
      expect(ignored(path), path).toBe(true);
    }
  });

  it("keeps what the images need", () => {
    for (const path of ["package.json", "package-lock.json", "apps/worker/src/main.ts", "apps/worker/src/ops/main.ts", "packages/elasticsearch/templates/messages.template.json"]) {
      expect(ignored(path), path).toBe(false);
    }
  });
});
