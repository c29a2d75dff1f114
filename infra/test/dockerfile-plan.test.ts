import { describe, expect, it } from "vitest";
import { DockerfilePlanError, finalTargets, imagePlan } from "./dockerfile-plan.ts";

const DOCKERFILE = `
FROM node:24-slim AS base
ENV NODE_ENV=production
WORKDIR /app

FROM base AS app-deps
ENV ONLY_IN_DEPS=1
COPY package.json package-lock.json ./
COPY apps/app/package.json apps/app/
RUN npm ci --omit=dev

FROM base AS app
LABEL org.opencontainers.image.title="app"
COPY --from=app-deps /app ./
COPY apps/app/src apps/app/src
ENV PORT=8080
EXPOSE 8080
USER node
CMD ["node", "apps/app/src/main.ts"]
`;

describe("imagePlan", () => {
  const plan = imagePlan(DOCKERFILE, "app");

  it("follows the base stage and the copied dependency stage, in build order", () => {
    expect(plan.stages).toEqual(["base", "app-deps", "app"]);
    expect(plan.baseImage).toBe("node:24-slim");
    expect(plan.contextCopies.map((c) => [c.source, c.destination, c.intoDirectory])).toEqual([
      ["package.json", "/app", true],
      ["package-lock.json", "/app", true],
      ["apps/app/package.json", "/app/apps/app", true],
      ["apps/app/src", "/app/apps/app/src", false],
    ]);
    expect(plan.runs).toEqual([["npm", "ci", "--omit=dev"]]);
  });

  it("keeps the target's own runtime settings, not those of the stages it copies from", () => {
    expect(plan.env).toEqual({ NODE_ENV: "production", PORT: "8080" });
    expect(plan.user).toBe("node");
    expect(plan.expose).toEqual([8080]);
    expect(plan.cmd).toEqual(["node", "apps/app/src/main.ts"]);
    expect(plan.labels["org.opencontainers.image.title"]).toBe("app");
  });

  it("reports shell-form CMD as missing exec form", () => {
    expect(imagePlan("FROM node:24-slim AS x\nCMD node main.ts\n", "x").cmd).toBeUndefined();
  });

  it("rejects what it cannot follow instead of ignoring it", () => {
    expect(() => imagePlan("FROM node:24-slim AS x\nADD https://example.com/a /a\n", "x")).toThrow(DockerfilePlanError);
    expect(() => imagePlan("FROM node:24-slim AS x\nCOPY src/*.ts /app/\n", "x")).toThrow(/wildcards/);
    expect(() => imagePlan("FROM node:24-slim AS x\nCOPY ../secret /app/\n", "x")).toThrow(/outside/);
    expect(() => imagePlan(DOCKERFILE.replace("COPY --from=app-deps /app ./", "COPY --from=app-deps /app/node_modules ./node_modules"), "app")).toThrow(/WORKDIR/);
    expect(() => imagePlan(DOCKERFILE, "nope")).toThrow(/no stage/);
  });
});

describe("finalTargets", () => {
  it("lists the stages nothing else builds on", () => {
    expect(finalTargets(DOCKERFILE)).toEqual(["app"]);
  });
});
